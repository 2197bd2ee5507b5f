import LabelingDomain

/// The service's `GET …/stats` of a dataset, read from the projection.
///
/// Invariant: equal to `DatasetSummary(state)` of the domain state at ``lastPosition``
/// (the projection tests check it).
public struct DatasetStats: Sendable, Equatable {
    /// One entry of `label_stats`.
    public struct LabelStatistic: Sendable, Equatable {
        public var name: String
        public var color: String
        /// Instances on labeled samples (boxes count one each): `count`.
        public var count: Int
        /// Labeled samples carrying the label: `sample_count`.
        public var sampleCount: Int
        /// To-be-confirmed samples predicted with it.
        public var pendingSampleCount: Int
    }

    public var dataset: DatasetID
    public var name: String
    public var type: LabelingType
    /// Stream version of the last applied event.
    public var version: UInt64
    public var lastPosition: UInt64
    /// `sample_stats`.
    public var sampleStats: DatasetSummary.SampleStats
    /// `label_stats`, in label-set order.
    public var labelStats: [LabelStatistic]
    public var hardSamples: Int
    /// `hard_detail_stats`: marked samples per reason, reasons in use only.
    public var hardDetailStats: [HardReason: Int]
}
