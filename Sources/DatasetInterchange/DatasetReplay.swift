import EventLog
import Foundation
import LabelingDomain
import LabelingService

/// A dataset as it was at a log position, with what exports need beyond the domain
/// state: each sample's source, usage, and when its current labels were made.
///
/// Built by replaying the dataset's stream with the domain's `evolve`, so the same
/// position always yields the same dataset.
public struct DatasetAtPosition: Sendable {
    public var state: DatasetState
    /// The last global position included.
    public var position: UInt64
    public var sources: [SampleID: String]
    public var usages: [SampleID: SampleUsage]
    /// When each sample's current labels or predictions were made.
    public var labelTimes: [SampleID: Instant]

    /// Replays `dataset` up to and including `position` (nil: everything durable now).
    /// Throws `datasetNotFound` when the dataset did not exist then: not created yet, or
    /// already deleted.
    public static func replay(_ dataset: DatasetID, log: EventLog, upTo position: UInt64? = nil) throws(InterchangeError)
        -> DatasetAtPosition
    {
        let limit = position ?? log.head
        var result = DatasetAtPosition(state: DatasetState(), position: 0, sources: [:], usages: [:], labelTimes: [:])
        do {
            try DatasetStream.forEach(in: log, stream: StreamNames.dataset(dataset), upTo: limit) {
                recorded, event throws(ServiceError) in
                let at = Instant(recorded.recordedAt)
                switch event {
                case let .samplesAdded(e):
                    for sample in e.samples {
                        result.sources[sample.id] = sample.sourcePath
                        if let usage = sample.usage { result.usages[sample.id] = usage }
                        result.labelTimes[sample.id] = sample.labelsCreatedAt ?? at
                    }
                case let .sampleLabelsReplaced(e): for s in e.samples { result.labelTimes[s.sampleID] = at }
                case let .samplesConfirmed(e): for s in e.samples { result.labelTimes[s.sampleID] = at }
                case let .samplesAutoLabeled(e): for s in e.samples { result.labelTimes[s.sampleID] = at }
                default: break
                }
                evolve(&result.state, event)
                result.state.version = recorded.streamVersion
                result.position = recorded.position
            }
        } catch {
            throw .service(error)
        }
        // After its deletion a dataset has nothing left to show; an earlier position has.
        guard result.state.exists else { throw .datasetNotFound(dataset.rawValue) }
        return result
    }
}
