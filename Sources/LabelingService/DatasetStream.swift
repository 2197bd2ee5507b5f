import EventLog
import LabelingDomain

/// Reading a dataset's stream as domain events: the one fold that the hot state, as-of
/// replays and exports all use.
public enum DatasetStream {
    /// Decodes the stream's events with version ≥ `fromVersion` and position ≤ `upTo`
    /// (nil: every durable event), in order, handing each to `body` with its envelope.
    /// - Returns: the number of events handed over.
    /// - Throws: ``ServiceError/log(_:)`` or ``ServiceError/undecodableEvent(position:type:reason:)``.
    @discardableResult
    public static func forEach(
        in log: EventLog, stream: String, fromVersion: UInt64 = 1, upTo position: UInt64? = nil,
        _ body: (RecordedEvent, DomainEvent) throws(ServiceError) -> Void
    ) throws(ServiceError) -> Int {
        var iterator = log.events(stream: stream, fromVersion: fromVersion).makeAsyncIterator()
        var count = 0
        while true {
            let next: RecordedEvent?
            do { next = try iterator.nextSync() } catch { throw .log(error) }
            guard let recorded = next, position.map({ recorded.position <= $0 }) ?? true else { return count }
            let event: DomainEvent
            do {
                event = try DomainEvent.decode(type: recorded.type, schemaVersion: recorded.schemaVersion, payload: recorded.payload)
            } catch {
                throw .undecodableEvent(position: recorded.position, type: recorded.type, reason: error.message)
            }
            try body(recorded, event)
            count += 1
        }
    }

    /// Folds `dataset`'s events into `state` (in place), setting its version after each.
    @discardableResult
    public static func fold(
        _ dataset: DatasetID, in log: EventLog, into state: inout DatasetState, upTo position: UInt64? = nil
    ) throws(ServiceError) -> Int {
        try forEach(in: log, stream: StreamNames.dataset(dataset), fromVersion: state.version + 1, upTo: position) {
            recorded, event throws(ServiceError) in
            evolve(&state, event)
            state.version = recorded.streamVersion
        }
    }
}
