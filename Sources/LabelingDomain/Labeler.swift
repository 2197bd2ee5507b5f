/// Who labelled a sample, in the one vocabulary the product stores and shows: the
/// `samples.annotated_by` column of the datasets projection and the `labeler` of each
/// `audit_samples` row hold ``name``; the API shows it as a sample's `labeler` (its first
/// visible label's), each label's `labeler` and each history entry's `labeler`; the tab
/// filter `labeler=` accepts exactly these spellings and nothing else.
///
/// ```swift
/// Labeler(.human("ana")).name                                   // "person:ana"
/// Labeler(.activeLearning("t-1")).name                          // "active-learning"
/// Labeler(.preLabelModel(name: "digits", version: "2")).name    // "model:digits:2"
/// Labeler("model:digits:2")                                     // .model(name: "digits", version: "2")
/// Labeler("ana")                                                // nil: a person is person:<user>
/// ```
///
/// Spellings:
/// - `person:<user>`: a person, by the user name their token (or the import's actor) carries;
/// - `active-learning`: any active-learning task (the task is in the label's history);
/// - `model:<name>:<version>`: a registered pre-labeling model, named as it is registered
///   and as a task names it (``ModelRef``). Machine labels uploaded or imported keep their
///   origin as the name and ``Annotator/importedVersion`` as the version
///   (`model:api:<token name>:imported`, `model:<annotated-by>:imported`); a manifest's
///   `modelarts/active-learning` is `active-learning`, its `human` the importing person.
///
/// A registered model's name never holds a `:` (the registry refuses one); the version is
/// what follows the last `:`, so an uploader's `api:<name>` reads back as it was written.
/// Spellings are split by Unicode scalars, never by `Character` (see `afterScalarPrefix`).
public enum Labeler: Sendable, Hashable, CustomStringConvertible {
    case person(String)
    /// Any active-learning task.
    case activeLearning
    /// A pre-labeling model, or the origin of uploaded or imported machine labels.
    case model(name: String, version: String)

    public init(_ annotator: Annotator) {
        switch annotator {
        case .human(let user): self = .person(user)
        case .activeLearning: self = .activeLearning
        case .preLabelModel(let name, let version): self = .model(name: name, version: version)
        }
    }

    /// Reads exactly a spelling ``name`` writes; nil for anything else (a bare user name, an
    /// empty name, a `model:` without both a name and a version, the `model:<name>@<version>`
    /// of earlier versions).
    public init?(_ text: String) {
        if text == "active-learning" {
            self = .activeLearning
        } else if let reference = text.afterScalarPrefix("model:") {
            guard let (name, version) = reference.splitAtLastScalar(":"), !name.isEmpty, !version.isEmpty
            else { return nil }
            self = .model(name: name, version: version)
        } else if let user = text.afterScalarPrefix("person:"), !user.isEmpty {
            self = .person(user)
        } else {
            return nil
        }
    }

    /// The one spelling: `person:<user>`, `active-learning` or `model:<name>:<version>`.
    public var name: String {
        switch self {
        case .person(let user): "person:\(user)"
        case .activeLearning: "active-learning"
        case .model(let name, let version): "model:\(name):\(version)"
        }
    }

    public var description: String { name }
}

extension Annotator {
    /// Who this annotator is in the product's one vocabulary (``Labeler``).
    public var labeler: Labeler { Labeler(self) }
}
