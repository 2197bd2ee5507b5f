/// Who or what put a label on a sample.
///
/// Maps to the service's `annotated_by`: `.human` is "human", the two machine
/// cases are "auto" (manifest: "modelarts/active-learning" and the model name).
public enum Annotator: Sendable, Hashable, CustomStringConvertible {
    /// A person, by user name.
    case human(String)
    /// The active-learning task whose trained model predicted the label.
    case activeLearning(TaskID)
    /// A registered model run by a pre-label task.
    case preLabelModel(name: String, version: String)

    /// True for the two machine cases.
    public var isMachine: Bool {
        if case .human = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .human(let user): "human:\(user)"
        case .activeLearning(let task): "active-learning:\(task)"
        case .preLabelModel(let name, let version): "pre-label:\(name):\(version)"
        }
    }
}

extension Annotator {
    /// The version given to machine annotators that come from an import or an upload (their
    /// name is the manifest's `annotated-by`, or `api:<token name>`).
    public static let importedVersion = "imported"
}
