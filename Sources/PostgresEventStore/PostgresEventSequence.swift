import EventLog

/// Events of the whole PostgreSQL log in order: a catch-up read, or a live subscription;
/// see ``PostgresEventStore/events(from:)`` and ``PostgresEventStore/subscribe(from:whenLive:)``.
///
/// Each step reads the next page of positions from the table (the truth); a live iterator at
/// the head waits on the store's ``HeadWatch`` — woken by `NOTIFY`, by this process's own
/// commits, or after the store's poll interval — and reads again. Positions come from a gap-free
/// prefix (see ``PostgresEventStore``), so the iterator's next position is all the state it keeps:
/// no gap, no duplicate.
public struct PostgresEventSequence: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent
    let store: PostgresEventStore
    let from: UInt64
    let live: Bool
    let whenLive: (@Sendable () -> Void)?

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, nextPosition: from, live: live, whenLive: whenLive)
    }

    public struct Iterator: AsyncIteratorProtocol {
        static let page = 1_000
        let store: PostgresEventStore
        var nextPosition: UInt64
        let live: Bool
        var whenLive: (@Sendable () -> Void)?
        var buffer: [RecordedEvent] = []
        var bufferIndex = 0

        public mutating func next() async throws -> RecordedEvent? {
            while bufferIndex >= buffer.count {
                if Task.isCancelled || store.isClosed { return nil }
                let ticket = store.watch.ticket()
                let batch = try await store.read(from: nextPosition, limit: Self.page)
                if let last = batch.last {
                    store.watch.see(last.position)
                    buffer = batch
                    bufferIndex = 0
                    continue
                }
                guard live, !store.isClosed else { return nil }
                if let signal = whenLive {
                    whenLive = nil
                    signal()
                }
                await store.watch.wait(beyond: ticket, timeout: store.pollInterval)
                if store.isClosed { return nil }
            }
            let event = buffer[bufferIndex]
            bufferIndex += 1
            nextPosition = event.position + 1
            return event
        }
    }
}

/// The events of one stream in version order, a page at a time; see
/// ``PostgresEventStore/events(stream:fromVersion:)``.
public struct PostgresStreamEventSequence: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent
    let store: PostgresEventStore
    let stream: String
    let fromVersion: UInt64

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, stream: stream, nextVersion: fromVersion)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let store: PostgresEventStore
        let stream: String
        var nextVersion: UInt64
        var buffer: [RecordedEvent] = []
        var bufferIndex = 0
        var finished = false

        public mutating func next() async throws -> RecordedEvent? {
            if bufferIndex >= buffer.count {
                if finished { return nil }
                buffer = try await store.readStreamPage(stream, fromVersion: nextVersion, limit: PostgresEventStore.pageSize)
                bufferIndex = 0
                finished = buffer.count < PostgresEventStore.pageSize
                if buffer.isEmpty { return nil }
            }
            let event = buffer[bufferIndex]
            bufferIndex += 1
            nextVersion = event.streamVersion + 1
            return event
        }
    }
}
