import Foundation

/// The log's contract, whatever engine keeps it: the embedded segment log (``EventLog``, the
/// default) or a database (the `PostgresEventStore` target). Everything above the log — command
/// handling, projections, the auto-labeling reactor — needs only this.
///
/// Every engine keeps these promises (the conformance suite, `EventStoreConformanceTests`,
/// checks each of them on every engine, with the same tests):
/// - Positions are 1-based and gap-free; an append's events take contiguous positions and
///   stream versions, and never interleave with another append's.
/// - A reader never sees position *n + 1* without *n*: every read, and every subscription,
///   sees a gap-free prefix of the log, in position order.
/// - `append` returns once its events are durable; an `.exact` expected version is checked
///   against the stream's version at the moment of the append
///   (``LogError/wrongExpectedVersion(stream:expected:actual:)``).
/// - A command id is written at most once: repeating it returns the original result with
///   `deduplicated == true`, also after the store is closed and opened again; reusing it for
///   another stream throws ``LogError/commandIDReused(commandID:originalStream:stream:)``.
/// - Recorded-at never decreases along positions, so ``position(at:)`` answers "the log as it
///   was at that time".
/// - Every event is covered by a SHA-256 chain; ``verify()`` names the first position whose
///   bytes changed after they were written.
///
/// Errors are ``LogError`` only (`append(stream:…)` is declared `throws` for its callers'
/// sake, and throws nothing else).
public protocol EventStore: AnyObject, Sendable {
    /// A catch-up read of the whole log; see ``events(from:)`` and ``subscribe(from:whenLive:)``.
    associatedtype Events: AsyncSequence<RecordedEvent, any Error> & Sendable
    /// The events of one stream in version order; see ``events(stream:fromVersion:)``.
    associatedtype StreamEvents: AsyncSequence<RecordedEvent, any Error> & Sendable

    /// The last durable position (0 for an empty log).
    var head: UInt64 { get async throws(LogError) }

    /// The last position this process knows to be durable, without I/O: a lower bound of
    /// ``head`` that includes every append this process made (and, for a store shared by
    /// several processes, every one it has been told of). The embedded log's is its head.
    var knownHead: UInt64 { get }

    /// The current version of a stream (0 if it has no events).
    func version(of stream: String) async throws(LogError) -> UInt64

    /// Appends `events` to `stream` atomically; see ``EventLog/append(stream:expectedVersion:events:commandID:)``.
    func append(
        stream: String, expectedVersion: ExpectedVersion, events: [ProposedEvent], commandID: String?
    ) async throws -> AppendResult

    /// Appends several requests in their order, each atomically and with its own outcome:
    /// each is checked as if appended alone right after the ones before it, and one that
    /// fails writes nothing and leaves the others as they are.
    func append(_ requests: [AppendRequest]) async -> [Result<AppendResult, LogError>]

    /// Up to about `limit` events from `position` on, in order (an engine may return a few
    /// more, never fewer while the log has them).
    func read(from position: UInt64, limit: Int) async throws(LogError) -> [RecordedEvent]

    /// Every event from `position` on, in order; ends at the head as it is when the reader gets there.
    func events(from position: UInt64) -> Events

    /// Every event from `position` on, then each new event once it is durable — no gap, no
    /// duplicate. `whenLive` is called once, the first time the subscriber has caught up and
    /// waits for new appends. Ends when the store closes or the task is cancelled.
    func subscribe(from position: UInt64, whenLive: (@Sendable () -> Void)?) -> Events

    /// All events of one stream with version ≥ `fromVersion`.
    func read(stream: String, fromVersion: UInt64) async throws(LogError) -> [RecordedEvent]

    /// The events of one stream with version ≥ `fromVersion`, in order, in bounded memory.
    func events(stream: String, fromVersion: UInt64) -> StreamEvents

    /// The global position of a stream's event at `version`, or nil when there is none.
    func position(ofStream stream: String, version: UInt64) async throws(LogError) -> UInt64?

    /// The last position recorded at or before `date`, or 0 when the log has nothing that old.
    func position(at date: Date) async throws(LogError) -> UInt64

    /// Checks every stored event against the hash chain and its anchor; reports the first bad
    /// position and changes nothing.
    func verify() async throws(LogError) -> VerificationReport

    /// Refuses new appends, waits for the accepted ones, ends live subscriptions.
    func close() async
}

extension EventLog: EventStore {
    public var knownHead: UInt64 { head }
}
