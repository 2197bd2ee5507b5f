import LabelingDomain

/// A dataset as the datasets projection knows it, without its samples: what a dataset
/// list shows (name, type, description, labels, sample counts, version).
///
/// Invariant: equal to what `DatasetInfo` of the domain state at ``lastPosition`` says
/// (read from the `datasets`, `labels` and `sample_stats` tables of one snapshot).
public struct DatasetOverview: Sendable, Equatable {
    public struct Label: Sendable, Equatable {
        public var name: String
        public var color: String
    }

    public var dataset: DatasetID
    public var name: String
    public var type: LabelingType
    public var description: String
    /// In label-set order.
    public var labels: [Label]
    /// Stream version of the dataset's last applied event (the `If-Match` value).
    public var version: UInt64
    public var lastPosition: UInt64
    public var sampleStats: DatasetSummary.SampleStats
}
