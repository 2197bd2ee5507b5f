import ArgumentParser
import LabelingDomain

/// `--project P`: with it, `--dataset` takes the id the API returns for a dataset of `P`
/// (`/v2/P/datasets/<id>`); without it, `--dataset` is the full id (`P/<id>`, or an id of a
/// dataset created without a project).
public struct ProjectOption: ParsableArguments, Sendable {
    @Option(help: "The project of --dataset (then --dataset is the id the API shows).")
    public var project: String?

    public init() {}

    /// The dataset `id` names, in ``project``.
    public func dataset(_ id: String) -> DatasetID { DatasetID(project: project, id: id) }

    public func validate() throws {
        if let project, project.isEmpty || project.contains("/") {
            throw ValidationError("--project must be a non-empty name without '/'")
        }
    }
}
