import LabelingDomain

/// How the labeling aggregates map onto log streams.
///
/// Invariant: a dataset's events live in exactly one stream, `dataset:<id>`; the model
/// registry in `models`. The prefix keeps dataset ids from ever colliding with other
/// streams.
public enum StreamNames {
    public static let datasetPrefix = "dataset:"
    public static let modelRegistry = "models"

    public static func dataset(_ id: DatasetID) -> String { datasetPrefix + id.rawValue }

    /// The dataset a stream belongs to, or nil for other streams.
    public static func datasetID(ofStream stream: String) -> DatasetID? {
        stream.hasPrefix(datasetPrefix) ? DatasetID(String(stream.dropFirst(datasetPrefix.count))) : nil
    }
}
