import LabelingDomain

/// How the labeling aggregates map onto log streams.
///
/// Invariant: a dataset's events live in exactly one stream, `dataset:<id>`; a project's
/// model registry in `models/<project>`, the server-wide one (datasets without a project,
/// and every model registered before registries belonged to projects) in `models`. The
/// prefixes keep dataset ids from ever colliding with other streams.
public enum StreamNames {
    public static let datasetPrefix = "dataset:"
    /// The server-wide model registry.
    public static let modelRegistry = "models"

    public static func dataset(_ id: DatasetID) -> String { datasetPrefix + id.rawValue }

    /// The project a dataset belongs to: `P` for a dataset `P/<id>` (every dataset the API
    /// creates), nil for an id without a `/`.
    public static func project(of dataset: DatasetID) -> String? {
        dataset.rawValue.firstIndex(of: "/").map { String(dataset.rawValue[..<$0]) }
    }

    /// The model registry of `project` (`models/<project>`), or the server-wide one for nil.
    public static func modelRegistry(ofProject project: String?) -> String {
        project.map { modelRegistry + "/" + $0 } ?? modelRegistry
    }

    /// Whether `stream` is a model registry (a project's or the server-wide one).
    public static func isModelRegistry(_ stream: String) -> Bool {
        stream == modelRegistry || stream.hasPrefix(modelRegistry + "/")
    }

    /// The dataset a stream belongs to, or nil for other streams.
    public static func datasetID(ofStream stream: String) -> DatasetID? {
        stream.hasPrefix(datasetPrefix) ? DatasetID(String(stream.dropFirst(datasetPrefix.count))) : nil
    }
}
