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
        try forEach(in: EventReader(log), stream: stream, fromVersion: fromVersion, upTo: position, body)
    }

    /// The same on any engine, through its synchronous reader (see ``EventLog/EventReader``
    /// for where it may run).
    @discardableResult
    public static func forEach(
        in reader: EventReader, stream: String, fromVersion: UInt64 = 1, upTo position: UInt64? = nil,
        _ body: (RecordedEvent, DomainEvent) throws(ServiceError) -> Void
    ) throws(ServiceError) -> Int {
        var count = 0
        do {
            try reader.forEach(stream: stream, fromVersion: fromVersion) { recorded throws(ServiceError) -> Bool in
                guard position.map({ recorded.position <= $0 }) ?? true else { return false }
                try body(recorded, try decode(recorded))
                count += 1
                return true
            }
        } catch {
            switch error {
            case let .log(error): throw .log(error)
            case let .body(error): throw error
            }
        }
        return count
    }

    /// The domain event `recorded` holds.
    /// - Throws: ``ServiceError/undecodableEvent(position:type:reason:)``.
    public static func decode(_ recorded: RecordedEvent) throws(ServiceError) -> DomainEvent {
        do {
            return try DomainEvent.decode(type: recorded.type, schemaVersion: recorded.schemaVersion, payload: recorded.payload)
        } catch {
            throw .undecodableEvent(position: recorded.position, type: recorded.type, reason: error.message)
        }
    }

    /// Events per page when a stream is read from a store other than the embedded log (see ``page(of:stream:fromVersion:)``).
    public static let pageSize = 2_000

    /// Up to ``pageSize`` events of `stream` from `fromVersion` on, read from `store` (any
    /// engine): what a reader on the cooperative pool folds a page at a time, between awaits.
    public static func page(of store: any EventStore, stream: String, fromVersion: UInt64) async throws(ServiceError) -> [RecordedEvent] {
        var iterator = store.events(stream: stream, fromVersion: fromVersion).makeAsyncIterator()
        var page: [RecordedEvent] = []
        do {
            while page.count < pageSize, let event = try await iterator.next() { page.append(event) }
        } catch let error as LogError {
            throw .log(error)
        } catch {
            throw .log(.store(reason: "\(error)"))
        }
        return page
    }

    /// Applies the events of `page` that continue `version` (the next version first; ones at
    /// or below it are skipped, so a page read before another fold applied it adds nothing
    /// twice), handing each to `body`; stops at a gap. Returns the number applied.
    @discardableResult
    public static func apply(
        _ page: [RecordedEvent], after version: UInt64, _ body: (RecordedEvent, DomainEvent) throws(ServiceError) -> Void
    ) throws(ServiceError) -> Int {
        var next = version + 1
        var count = 0
        for recorded in page where recorded.streamVersion >= next {
            guard recorded.streamVersion == next else { break }
            try body(recorded, try decode(recorded))
            next += 1
            count += 1
        }
        return count
    }

    /// Folds `dataset`'s events into `state` (in place), setting its version after each.
    @discardableResult
    public static func fold(
        _ dataset: DatasetID, in log: EventLog, into state: inout DatasetState, upTo position: UInt64? = nil
    ) throws(ServiceError) -> Int {
        try fold(dataset, in: EventReader(log), into: &state, upTo: position)
    }

    /// Folds `dataset`'s events into `state` from any engine, through its synchronous reader.
    @discardableResult
    public static func fold(
        _ dataset: DatasetID, in reader: EventReader, into state: inout DatasetState, upTo position: UInt64? = nil
    ) throws(ServiceError) -> Int {
        try forEach(in: reader, stream: StreamNames.dataset(dataset), fromVersion: state.version + 1, upTo: position) {
            recorded, event throws(ServiceError) in
            evolve(&state, event)
            state.version = recorded.streamVersion
        }
    }
}
