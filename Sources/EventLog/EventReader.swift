import Dispatch
import Foundation

/// Synchronous reads of an ``EventStore``, for the code that reads the log from its own
/// threads and dispatch queues — the projector's apply queue and rebuild thread, as-of
/// replays, snapshot checks — whatever engine keeps it.
///
/// On the embedded ``EventLog`` every call is the log's own synchronous read (nothing added:
/// same speed). On another engine (PostgreSQL) a call runs the store's async read in a task
/// and waits for it, so it holds the calling thread for one round trip.
///
/// Invariant: never call it from a task on the cooperative thread pool with a store other than
/// the embedded log (it would hold a pool thread while it waits); the callers run it on their
/// own queues and threads (see `LedgerQueries.offPool` and `Projector`).
public struct EventReader: Sendable {
    /// The store read.
    public let store: any EventStore
    /// The store when it is the embedded log (whose own fast paths a caller may take).
    public let embedded: EventLog?

    public init(_ store: any EventStore) {
        self.store = store
        self.embedded = store as? EventLog
    }

    /// The last position known durable, without I/O (``EventStore/knownHead``).
    public var head: UInt64 { store.knownHead }

    /// The last durable position, asked of the store (for the embedded log: its head).
    public func currentHead() throws(LogError) -> UInt64 {
        if let embedded { return embedded.head }
        let store = store
        return try Self.wait { () async throws(LogError) in try await store.head }
    }

    /// Up to about `limit` events from `position` on; see ``EventStore/read(from:limit:)``.
    public func read(from position: UInt64, limit: Int = .max) throws(LogError) -> [RecordedEvent] {
        if let embedded { return try embedded.read(from: position, limit: limit) }
        let store = store
        return try Self.wait { () async throws(LogError) in try await store.read(from: position, limit: limit) }
    }

    /// The events of `stream` with version ≥ `fromVersion`, handed to `body` in order — in
    /// bounded memory on the embedded log, a page of the store's at a time otherwise.
    public func forEach<E: Error>(
        stream: String, fromVersion: UInt64 = 1, _ body: (RecordedEvent) throws(E) -> Bool
    ) throws(EventReaderError<E>) {
        if let embedded {
            var iterator = embedded.events(stream: stream, fromVersion: fromVersion).makeAsyncIterator()
            while true {
                let next: RecordedEvent?
                do { next = try iterator.nextSync() } catch { throw .log(error) }
                guard let next else { return }
                do { guard try body(next) else { return } } catch { throw .body(error) }
            }
        }
        var version = max(fromVersion, 1)
        let store = store
        while true {
            let from = version
            let page: [RecordedEvent]
            do {
                page = try Self.wait { () async throws(LogError) in
                    var iterator = store.events(stream: stream, fromVersion: from).makeAsyncIterator()
                    var page: [RecordedEvent] = []
                    do {
                        while page.count < Self.streamPage, let event = try await iterator.next() { page.append(event) }
                    } catch let error as LogError {
                        throw error
                    } catch {
                        throw LogError.store(reason: "\(error)")
                    }
                    return page
                }
            } catch {
                throw .log(error)
            }
            for event in page {
                do { guard try body(event) else { return } } catch { throw .body(error) }
            }
            guard page.count == Self.streamPage, let last = page.last else { return }
            version = last.streamVersion + 1
        }
    }

    /// Events per round trip when a stream is read from a store other than the embedded log.
    static let streamPage = 2_000

    /// All events of `stream` with version ≥ `fromVersion`.
    public func read(stream: String, fromVersion: UInt64 = 1) throws(LogError) -> [RecordedEvent] {
        if let embedded { return try embedded.read(stream: stream, fromVersion: fromVersion) }
        let store = store
        return try Self.wait { () async throws(LogError) in try await store.read(stream: stream, fromVersion: fromVersion) }
    }

    /// See ``EventStore/position(ofStream:version:)``.
    public func position(ofStream stream: String, version: UInt64) throws(LogError) -> UInt64? {
        if let embedded { return try embedded.position(ofStream: stream, version: version) }
        let store = store
        return try Self.wait { () async throws(LogError) in try await store.position(ofStream: stream, version: version) }
    }

    /// See ``EventStore/position(at:)``.
    public func position(at date: Date) throws(LogError) -> UInt64 {
        if let embedded { return try embedded.position(at: date) }
        let store = store
        return try Self.wait { () async throws(LogError) in try await store.position(at: date) }
    }

    /// Runs `body` in a task and blocks the calling thread (never a pool thread, see the
    /// type's invariant) until it finishes.
    private static func wait<T: Sendable>(
        _ body: @escaping @Sendable () async throws(LogError) -> T
    ) throws(LogError) -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task {
            do throws(LogError) { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    /// The hand-off of ``wait(_:)``: written once by the task before it signals, read after.
    private final class ResultBox<T>: @unchecked Sendable {
        var result: Result<T, LogError>?
    }
}

/// A failure of ``EventReader/forEach(stream:fromVersion:_:)``: reading the log, or the body's own.
public enum EventReaderError<E: Error>: Error {
    case log(LogError)
    case body(E)
}
