import LabelingDomain

/// Who or what annotated a sample, as the tab filter `labeler` names it.
///
/// A sample's labeler is the annotator of its first visible label (a confirmed machine
/// prediction keeps its machine labeler; corrected labels are the person's).
///
/// Stored in `samples.annotated_by` as ``storageKey``: `person:<user>`,
/// `active-learning`, `model:<name>@<version>`.
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

    /// Parses ``storageKey`` (also the CLI/HTTP spelling); a bare word is a person.
    public init(parsing text: String) {
        if text == "active-learning" {
            self = .activeLearning
        } else if text.hasPrefix("model:"), let at = text.lastIndex(of: "@") {
            let name = text[text.index(text.startIndex, offsetBy: 6)..<at]
            self = .model(name: String(name), version: String(text[text.index(after: at)...]))
        } else if text.hasPrefix("person:") {
            self = .person(String(text.dropFirst(7)))
        } else {
            self = .person(text)
        }
    }

    public var storageKey: String {
        switch self {
        case .person(let user): "person:\(user)"
        case .activeLearning: "active-learning"
        case .model(let name, let version): "model:\(name)@\(version)"
        }
    }

    public var description: String { storageKey }
}
