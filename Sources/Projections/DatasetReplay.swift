import EventLog
import Foundation
import LabelingDomain
import LabelingService

/// A dataset as it was at a log position or a time, folded from its stream with the
/// domain's own `evolve` (the truth the projections are checked against).
///
/// ```swift
/// let replay = DatasetReplay(log: log)
/// let then = try replay.state(of: "ds-1", asOfPosition: 1_200)
/// let stats = DatasetSummary(then.state)
/// let yesterday = try replay.state(of: "ds-1", asOf: Date(timeIntervalSinceNow: -86_400))
/// ```
///
/// Cost: reads the dataset's events up to the position through the log's stream index
/// (O(events of the stream), never the whole log).
public struct DatasetReplay: Sendable {
    /// A dataset state and the point it describes.
    public struct AsOf: Sendable {
        public var state: DatasetState
        /// The position asked for (events after it are not included).
        public var position: UInt64
        /// The position of the dataset's last event at or before ``position`` (0: none).
        public var lastEventPosition: UInt64
        /// When the log recorded that event.
        public var lastEventAt: Date?
    }

    public let log: EventLog

    public init(log: EventLog) {
        self.log = log
    }

    /// The state of `dataset` including every event at or before `position`.
    /// - Throws: ``ProjectionError/positionBeyondHead(position:head:)``,
    ///   ``ProjectionError/datasetNotFound(_:)`` when it did not exist yet,
    ///   ``ProjectionError/undecodableEvent(position:type:reason:)``.
    public func state(of dataset: DatasetID, asOfPosition position: UInt64) throws(ProjectionError) -> AsOf {
        let head = log.head
        guard position <= head else { throw .positionBeyondHead(position: position, head: head) }
        var state = DatasetState()
        var last: RecordedEvent?
        do {
            try DatasetStream.forEach(in: log, stream: StreamNames.dataset(dataset), upTo: position) {
                recorded, event throws(ServiceError) in
                evolve(&state, event)
                state.version = recorded.streamVersion
                last = recorded
            }
        } catch {
            if case let .undecodableEvent(position, type, reason) = error {
                throw .undecodableEvent(position: position, type: type, reason: reason)
            }
            throw .log(reason: error.message)
        }
        guard state.isCreated else { throw .datasetNotFound(dataset) }
        return AsOf(state: state, position: position, lastEventPosition: last?.position ?? 0, lastEventAt: last?.recordedAt)
    }

    /// The state of `dataset` including every event the log recorded at or before `date`.
    public func state(of dataset: DatasetID, asOf date: Date) throws(ProjectionError) -> AsOf {
        try state(of: dataset, asOfPosition: position(asOf: date))
    }

    /// The last position recorded at or before `date` (0 when the log has nothing that old).
    public func position(asOf date: Date) throws(ProjectionError) -> UInt64 {
        do {
            return try log.position(at: date)
        } catch {
            throw .log(reason: error.description)
        }
    }
}
