import LabelingDomain

/// A sample as a tab shows it.
public struct SampleView: Sendable, Equatable {
    public var dataset: DatasetID
    public var id: SampleID
    public var name: String
    public var state: SampleState
    /// Labels when labeled, predictions when to be confirmed, nothing when unlabeled.
    public var labels: [SampleLabel]
    /// The highest score among ``labels`` (machine labels).
    public var score: Double?
    public var labeler: Labeler?
    public var isHard: Bool
    public var hardReasons: [HardReason]
    public var hardCoefficient: Double?
    /// `person:<user>` or `task:<id>`.
    public var hardOrigin: String?
    public var width: Int
    public var height: Int
    public var channels: Int
    public var sourcePath: String
    public var contentSHA256: String
    public var usage: SampleUsage?
    /// Position of the event that added the sample.
    public var addedPosition: UInt64
    /// Position of the last event that changed it.
    public var lastPosition: UInt64
    public var lastActor: String
    /// The immutable sort key of tabs and cursors.
    public var sortKey: Int64
}
