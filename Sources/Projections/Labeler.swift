import LabelingDomain

/// Who or what annotated a sample, as the tab filter `labeler` names it.
///
/// A sample's labeler is the annotator of its first visible label (a confirmed machine
/// prediction keeps its machine labeler; corrected labels are the person's).
///
/// Stored in `samples.annotated_by` as ``storageKey``: `person:<user>`,
/// `active-learning`, `model:<name>:<version>` — a model named as it is registered and as a
/// task names it (`<name>:<version>`, ``LabelingDomain/ModelRef``): one spelling everywhere.
/// A model's name never holds a `:` (the registry refuses one) and its version is what
/// follows the last `:` (machine labels imported or uploaded have the version `imported`).
public enum Labeler: Sendable, Hashable, CustomStringConvertible {
    case person(String)
    /// Any active-learning task.
    case activeLearning
    /// A registered pre-labeling model.
    case model(name: String, version: String)

    public init(_ annotator: Annotator) {
        switch annotator {
        case .human(let user): self = .person(user)
        case .activeLearning: self = .activeLearning
        case .preLabelModel(let name, let version): self = .model(name: name, version: version)
        }
    }

    /// Parses ``storageKey``; a bare word is a person.
    public init(parsing text: String) {
        self = Self(filter: text) ?? .person(text)
    }

    /// Parses a labeler as the CLI and HTTP filters name it: `person:<user>` or a bare user
    /// name, `active-learning`, `model:<name>:<version>`. Nil for anything else: an empty
    /// name, or a `model:` without both a name and a version (the spelling
    /// `model:<name>@<version>` of earlier versions included).
    public init?(filter text: String) {
        if text == "active-learning" {
            self = .activeLearning
        } else if let reference = text.afterScalarPrefix("model:") {
            guard let (name, version) = reference.splitAtLastScalar(":"), !name.isEmpty, !version.isEmpty
            else { return nil }
            self = .model(name: name, version: version)
        } else if let user = text.afterScalarPrefix("person:") {
            guard !user.isEmpty else { return nil }
            self = .person(user)
        } else {
            guard !text.isEmpty else { return nil }
            self = .person(text)
        }
    }

    public var storageKey: String {
        switch self {
        case .person(let user): "person:\(user)"
        case .activeLearning: "active-learning"
        case .model(let name, let version): "model:\(name):\(version)"
        }
    }

    public var description: String { storageKey }
}
