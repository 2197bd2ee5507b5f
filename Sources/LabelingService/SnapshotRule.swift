import LabelingDomain

/// When a dataset's state is saved as a snapshot: once the events since the last snapshot
/// carry `every` units of work, a unit being one sample an event touches (an event that
/// touches none, such as a task's progress, counts one).
///
/// Counting samples rather than events bounds what a cold load replays by the work the
/// replay does, whatever the events' sizes: a dataset imported in 10,000-sample batches
/// gets a snapshot every few batches, where a count of events alone would never write one
/// (its stream has a few hundred events), and its first command after a restart would fold
/// every sample again.
///
/// Invariant (with ``DatasetSession``): a dataset loaded from its newest snapshot replays
/// events carrying fewer than `every` units plus the events of one group commit, except
/// while the snapshot of the last `every` units is still being written.
///
/// ```swift
/// let rule = SnapshotRule(every: 50_000)
/// var since: UInt64 = 0
/// for event in events { since += SnapshotRule.weight(of: event) }
/// if rule.isDue(since) { … }
/// ```
public struct SnapshotRule: Sendable, Equatable {
    /// Units of work (samples touched) between two snapshots; at least 1.
    public let every: UInt64

    public init(every: UInt64) {
        self.every = max(1, every)
    }

    /// Whether a snapshot is due after `units` since the last one.
    public func isDue(_ units: UInt64) -> Bool { units >= every }

    /// The samples `event` touches, at least 1: its cost when a load replays it.
    public static func weight(of event: DomainEvent) -> UInt64 {
        let samples: Int
        switch event {
        case .samplesAdded(let e): samples = e.samples.count
        case .samplesDeleted(let e): samples = e.samples.count
        case .sampleLabelsReplaced(let e): samples = e.samples.count
        case .samplesConfirmed(let e): samples = e.samples.count
        case .samplesRejected(let e): samples = e.samples.count
        case .samplesMarkedHard(let e): samples = e.sampleIDs.count
        case .hardMarksCleared(let e): samples = e.sampleIDs.count
        case .samplesAutoLabeled(let e): samples = e.samples.count
        case .hardExamplesDetected(let e): samples = e.samples.count
        case .labelDeleted(let e): samples = e.strippedSamples.count
        case .datasetCreated, .labelsAdded, .labelRenamed, .datasetDeleted, .autoLabelTaskQueued, .taskStarted,
            .taskRunning, .taskProgressed, .taskTrainingFinished, .taskSucceeded, .taskFailed, .taskStopRequested,
            .taskStopped, .continuousAutoLabelingConfigured, .modelRegistered:
            samples = 0
        }
        return UInt64(max(1, samples))
    }
}
