/// The statistics of a dataset, as the service's `GET …/stats` returns them,
/// computed from the state's incremental counters in O(labels).
///
/// ```swift
/// let stats = DatasetSummary(state)
/// stats.sampleStats.unAnnotation   // un_annotation
/// ```
public struct DatasetSummary: Sendable, Equatable {
    /// `sample_stats`.
    public struct SampleStats: Sendable, Equatable {
        /// Unlabeled samples.
        public var unAnnotation: Int
        /// Labeled samples.
        public var manualAnnotation: Int
        /// To-be-confirmed samples.
        public var autoAnnotation: Int
        public var total: Int

        public init(unAnnotation: Int, manualAnnotation: Int, autoAnnotation: Int, total: Int) {
            self.unAnnotation = unAnnotation
            self.manualAnnotation = manualAnnotation
            self.autoAnnotation = autoAnnotation
            self.total = total
        }
    }

    /// One entry of `label_stats`.
    public struct LabelStats: Sendable, Equatable {
        public var name: String
        public var color: String
        /// Instances on labeled samples (boxes count one each): the service's `count`.
        public var count: Int
        /// Labeled samples carrying the label: the service's `sample_count`.
        public var sampleCount: Int
        /// To-be-confirmed samples predicted with the label.
        public var pendingSampleCount: Int
    }

    public var datasetID: DatasetID
    public var name: String
    public var type: LabelingType
    public var version: UInt64
    public var sampleStats: SampleStats
    /// In label-set order.
    public var labelStats: [LabelStats]
    /// Samples with a hard-example mark.
    public var hardSamples: Int
    /// `hard_detail_stats`: marked samples per reason, only reasons in use.
    public var hardReasonCounts: [HardReason: Int]
    /// The task queued or running, if any.
    public var activeTask: TaskID?

    public init(_ state: DatasetState) {
        datasetID = state.id
        name = state.name
        type = state.type
        version = state.version
        let counts = state.sampleCounts
        sampleStats = SampleStats(
            unAnnotation: counts.unlabeled, manualAnnotation: counts.labeled, autoAnnotation: counts.toBeConfirmed,
            total: counts.total)
        labelStats = state.labels.map { label in
            let usage = state.labelUsage[label.name] ?? DatasetState.LabelUsage()
            return LabelStats(
                name: label.name, color: label.color, count: usage.labeledAnnotations, sampleCount: usage.labeledSamples,
                pendingSampleCount: usage.pendingSamples)
        }
        hardSamples = state.hardSampleCount
        hardReasonCounts = state.hardReasonCounts
        activeTask = state.activeTaskID
    }
}
