import EventLog
import Foundation
import LabelingDomain

/// A dataset as it was at a log position, with what exports need beyond the domain
/// state: each sample's source, usage, and when its current labels were made.
///
/// Invariant: the same position always yields the same value (a fold of the dataset's
/// stream with the domain's own `evolve`, the truth the projections are checked against).
public struct DatasetAtPosition: Sendable {
    public var state: DatasetState
    /// The position asked for: events after it are not included.
    public var asOfPosition: UInt64
    /// The position of the dataset's last event at or before ``asOfPosition`` (0: none).
    public var position: UInt64
    /// When the log recorded that event.
    public var lastEventAt: Date?
    public var sources: [SampleID: String]
    public var usages: [SampleID: SampleUsage]
    /// When each sample's current labels or predictions were made.
    public var labelTimes: [SampleID: Instant]
}

/// The one as-of implementation: every read of a dataset "as it was" (the API's
/// `as_of_position`/`as_of_time`, `labelledger replay`, exports) folds the dataset's stream
/// here.
///
/// ```swift
/// if let then = try DatasetReplay.replay("ds-1", log: log, upTo: 1_200) {
///     print(DatasetSummary(then.state).sampleStats)
/// }
/// ```
///
/// Cost: reads the dataset's events up to the position through the log's stream index
/// (O(events of the stream), never the whole log).
public enum DatasetReplay {
    /// Replays `dataset` up to and including `position` (nil: everything durable now).
    /// - Returns: nil when the dataset was not created by then; a deleted dataset is
    ///   returned with its ``DatasetState/deletion`` set (callers decide what to show).
    /// - Throws: ``ServiceError/log(_:)``, ``ServiceError/undecodableEvent(position:type:reason:)``.
    public static func replay(_ dataset: DatasetID, log: EventLog, upTo position: UInt64? = nil) throws(ServiceError)
        -> DatasetAtPosition?
    {
        try replay(dataset, reader: EventReader(log), upTo: position)
    }

    /// ``replay(_:log:upTo:)`` on any engine, through its synchronous reader (off the pool).
    public static func replay(_ dataset: DatasetID, reader log: EventReader, upTo position: UInt64? = nil) throws(ServiceError)
        -> DatasetAtPosition?
    {
        let limit = position ?? log.head
        var result = DatasetAtPosition(
            state: DatasetState(), asOfPosition: limit, position: 0, lastEventAt: nil, sources: [:], usages: [:],
            labelTimes: [:])
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
            result.lastEventAt = recorded.recordedAt
        }
        return result.state.isCreated ? result : nil
    }

    /// The last position the log recorded at or before `date` (0 when it has nothing that old).
    public static func position(asOf date: Date, log: EventLog) throws(ServiceError) -> UInt64 {
        try position(asOf: date, reader: EventReader(log))
    }

    /// ``position(asOf:log:)`` on any engine, through its synchronous reader (off the pool).
    public static func position(asOf date: Date, reader log: EventReader) throws(ServiceError) -> UInt64 {
        do {
            return try log.position(at: date)
        } catch {
            throw .log(error)
        }
    }
}
