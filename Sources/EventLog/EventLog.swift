#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// An append-only, LZ4-compressed, checksummed, hash-chained event log in one directory.
///
/// ```swift
/// let log = try EventLog.open(directory: dataDirectory.appendingPathComponent("log"))
/// let result = try await log.append(
///     stream: "dataset-1", expectedVersion: .noStream,
///     events: [ProposedEvent(type: "DatasetCreated", payload: body, actor: "alice")],
///     commandID: requestID)
/// for try await event in log.events(from: 1) { … }
/// ```
///
/// Invariants:
/// - `append` returns only when its events are durable under the configured
///   ``DurabilityPolicy``; concurrent appends are grouped into one write and one sync.
/// - Positions are 1-based and gap-free; an append's events are contiguous and never
///   interleave with another append's.
/// - A command id is written at most once: repeating it returns the original result,
///   also after a restart.
/// - Readers see only durable events, and never a part of a commit group.
/// - One process opens a directory for writing at a time (an exclusive `flock`).
///
/// Thread-safety: all methods may be called from any task. Writer state is guarded by
/// a `Mutex`; file writes happen on one serial queue.
public final class EventLog: Sendable {
    /// The log directory: segment files, `index.sqlite`, `LOCK`.
    public let directory: URL
    public let configuration: EventLogConfiguration
    /// What opening the log found and repaired.
    public let recovery: RecoveryReport

    let path: String
    let index: StreamIndex
    /// Nil when opened read-only (``openReadOnly(directory:)``): appends are refused.
    private let writer: SegmentWriter?
    private let writerQueue = DispatchQueue(label: "labelledger.eventlog.writer")
    private let state: Mutex<WriterState>
    private let lockFD: Int32

    // MARK: - Opening

    /// Opens (creating if needed) the log in `directory` for reading and writing.
    ///
    /// Recovery: the last segment is scanned completely; a torn tail is truncated (see
    /// ``recovery``); corruption anywhere in it throws ``LogError/corruption(segment:offset:position:reason:)``.
    /// Then every segment is checked — headers, both checksums of every frame, positions,
    /// every link of the hash chain, and the head anchored in the stream index — so a log
    /// that opens is whole; any failure throws the same error naming the first bad position.
    /// The stream index is checked against the log and caught up or rebuilt; if it
    /// has seen events the log no longer holds, opening throws
    /// ``LogError/missingAcknowledgedEvents(logHead:indexedHead:)``.
    public static func open(directory: URL, configuration: EventLogConfiguration = .init()) throws(LogError) -> EventLog {
        let path = directory.path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .io(operation: "create directory", path: path, errno: EACCES)
        }
        let lockPath = path + "/LOCK"
        let lockFD = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0 else { throw .io(operation: "open", path: lockPath, errno: errno) }
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(lockFD)
            throw .locked(path: lockPath)
        }
        do {
            var tail = try LogRecovery.scanTail(directory: path, writable: true)
            let index = try StreamIndex(path: path + "/index.sqlite")
            try LogRecovery.checkChain(directory: path, tail: tail, anchor: index.meta(), upTo: nil)
            try IndexMaintenance.bringUpToDate(index: index, directory: path, tail: &tail)
            let writer = try SegmentWriter(directory: path, configuration: configuration, tail: tail)
            let streams = try index.streamVersions()
            return EventLog(
                directory: directory, configuration: configuration, recovery: tail.report, index: index,
                writer: writer, lockFD: lockFD,
                state: WriterState(
                    nextPosition: tail.head + 1, committedHead: tail.head, lastRecordedAt: tail.lastRecordedAt,
                    streamVersions: streams))
        } catch {
            Glibc.close(lockFD)
            throw error
        }
    }

    /// Opens the log in `directory` for reading only, writing nothing: no lock is taken, no
    /// file is created, cut or changed (a torn tail is left for the next writable open and
    /// not read), and the stream index is read as it is (see ``ReadOnlySQLite``). The whole
    /// chain and its anchor are checked up to the last whole commit group, as a writable
    /// open checks them. The head stays where it was at open; appends throw ``LogError/readOnly(path:)``.
    ///
    /// For `verify`, `replay`, `export` and as-of queries, which write nothing and run beside
    /// a writer in another process: the anchor is read before the tail is scanned, and a writer
    /// writes its index (and anchor) only after the frames are durable, so the anchor never
    /// names a position the scan has not reached; the frames a writer is still writing are a
    /// torn tail, which is the end.
    public static func openReadOnly(directory: URL) throws(LogError) -> EventLog {
        let path = directory.path
        let index = try StreamIndex(readOnlyPath: path + "/index.sqlite")
        let anchor = try index.meta()
        let tail = try LogRecovery.scanTail(directory: path, writable: false)
        try LogRecovery.checkChain(directory: path, tail: tail, anchor: anchor, upTo: tail.head)
        return EventLog(
            directory: directory, configuration: EventLogConfiguration(), recovery: tail.report, index: index,
            writer: nil, lockFD: -1,
            state: WriterState(
                nextPosition: tail.head + 1, committedHead: tail.head, lastRecordedAt: tail.lastRecordedAt,
                streamVersions: [:], closed: true))
    }

    private init(
        directory: URL, configuration: EventLogConfiguration, recovery: RecoveryReport, index: StreamIndex,
        writer: SegmentWriter?, lockFD: Int32, state: WriterState
    ) {
        self.directory = directory
        self.path = directory.path
        self.configuration = configuration
        self.recovery = recovery
        self.index = index
        self.writer = writer
        self.lockFD = lockFD
        self.state = Mutex(state)
    }

    deinit {
        if lockFD >= 0 { Glibc.close(lockFD) }
    }

    // MARK: - State

    /// Guarded by `state`.
    struct WriterState {
        var nextPosition: UInt64
        var committedHead: UInt64
        var lastRecordedAt: Int64
        /// Current version of every stream, counting appends not yet durable.
        var streamVersions: [String: UInt64]
        var pending: [PendingAppend] = []
        var flushScheduled = false
        /// Command ids reserved but not yet in the index, with appenders that repeated them meanwhile.
        var inflightCommands: [String: InflightCommand] = [:]
        var failure: String?
        var closed = false
        var headWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiterID: UInt64 = 0
    }

    /// Called once with an append's outcome (off the lock).
    typealias Completion = @Sendable (Result<AppendResult, LogError>) -> Void

    struct PendingAppend {
        var records: [EventRecord]
        var result: AppendResult
        var complete: Completion
    }

    struct InflightCommand {
        var result: AppendResult
        var waiters: [Completion]
    }

    /// The last durable position (0 for an empty log).
    public var head: UInt64 { state.withLock { $0.committedHead } }

    /// The current version of a stream (0 if it has no events), counting appends in flight.
    public func version(of stream: String) -> UInt64 {
        state.withLock { $0.streamVersions[stream] ?? 0 }
    }

    // MARK: - Appending

    /// Appends `events` to `stream` atomically.
    ///
    /// - Parameters:
    ///   - expectedVersion: checked against the stream's version, counting earlier
    ///     appends not yet durable; a mismatch throws ``LogError/wrongExpectedVersion(stream:expected:actual:)``.
    ///   - commandID: an idempotency key; if an append with this key was made before
    ///     (even before a restart), nothing is written and the original result returns
    ///     with `deduplicated == true`.
    /// - Returns: once the events are durable under the configured policy.
    /// - Throws: ``LogError`` only.
    @discardableResult
    public func append(
        stream: String, expectedVersion: ExpectedVersion = .any, events: [ProposedEvent], commandID: String? = nil
    ) async throws -> AppendResult {
        let request = AppendRequest(stream: stream, expectedVersion: expectedVersion, events: events, commandID: commandID)
        return try await withCheckedThrowingContinuation { continuation in
            submit([request]) { continuation.resume(with: $0[0].mapError { $0 as any Error }) }
        }
    }

    /// Appends several requests in their order, each atomically and with its own outcome,
    /// committed together: one write and one sync for all of them (with any other appends
    /// pending at the time).
    ///
    /// Each request is checked and placed exactly as if ``append(stream:expectedVersion:events:commandID:)``
    /// had been called for each in turn with nothing in between — its expected version is
    /// checked against the stream's version counting the requests before it — and a request
    /// that fails (wrong expected version, a command id reused for another stream, invalid
    /// input) writes nothing and leaves the others as they are.
    ///
    /// - Returns: once every request is durable or failed; one outcome per request, in order.
    public func append(_ requests: [AppendRequest]) async -> [Result<AppendResult, LogError>] {
        guard !requests.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            submit(requests) { continuation.resume(returning: $0) }
        }
    }

    /// Places `requests` in order under one hold of the lock; `done` gets every outcome once
    /// the last one is known.
    private func submit(_ requests: [AppendRequest], done: @escaping @Sendable ([Result<AppendResult, LogError>]) -> Void) {
        let collector = OutcomeCollector(count: requests.count, done: done)
        var immediate: [(Int, Result<AppendResult, LogError>)] = []
        var scheduleFlush = false
        state.withLock { s in
            for (index, request) in requests.enumerated() {
                let complete: Completion = { collector.set(index, $0) }
                switch place(request, complete: complete, in: &s) {
                case let .done(outcome): immediate.append((index, outcome))
                case .waiting: break
                case .pending:
                    if !s.flushScheduled {
                        s.flushScheduled = true
                        scheduleFlush = true
                    }
                }
            }
        }
        for (index, outcome) in immediate { collector.set(index, outcome) }
        if scheduleFlush { writerQueue.async { self.flushLoop() } }
    }

    private enum Placement {
        /// Known at once: a failure, or a command id already in the index.
        case done(Result<AppendResult, LogError>)
        /// Waits for an identical command id in flight.
        case waiting
        /// Reserved; waits for the flush.
        case pending
    }

    /// Checks one request against the state and reserves its positions and versions.
    private func place(_ request: AppendRequest, complete: @escaping Completion, in s: inout WriterState) -> Placement {
        let (stream, events) = (request.stream, request.events)
        if writer == nil { return .done(.failure(.readOnly(path: path))) }
        guard !stream.isEmpty, stream.utf8.count <= 256 else { return .done(.failure(.invalidStreamID(stream))) }
        guard !events.isEmpty else { return .done(.failure(.emptyAppend(stream: stream))) }
        for event in events where event.payload.count + 1024 > BatchFrame.maxRecordBytes {
            return .done(.failure(.eventTooLarge(
                stream: stream, bytes: event.payload.count, limit: BatchFrame.maxRecordBytes - 1024)))
        }
        let commandID = request.commandID ?? ""
        if s.closed { return .done(.failure(.closed)) }
        if let failure = s.failure { return .done(.failure(.failed(reason: failure))) }
        if !commandID.isEmpty {
            if var inflight = s.inflightCommands[commandID] {
                guard inflight.result.streamID == stream else {
                    return .done(.failure(.commandIDReused(
                        commandID: commandID, originalStream: inflight.result.streamID, stream: stream)))
                }
                inflight.waiters.append(complete)
                s.inflightCommands[commandID] = inflight
                return .waiting
            }
            do {
                if let original = try index.command(commandID) {
                    guard original.streamID == stream else {
                        return .done(.failure(.commandIDReused(
                            commandID: commandID, originalStream: original.streamID, stream: stream)))
                    }
                    return .done(.success(original))
                }
            } catch {
                return .done(.failure(error))
            }
        }
        let current = s.streamVersions[stream] ?? 0
        if case let .exact(expected) = request.expectedVersion, expected != current {
            return .done(.failure(.wrongExpectedVersion(stream: stream, expected: expected, actual: current)))
        }
        let now = request.recordedAt.map { max($0.micros, s.lastRecordedAt) }
            ?? configuration.envelope.recordedAt(after: s.lastRecordedAt)
        s.lastRecordedAt = now
        var records: [EventRecord] = []
        records.reserveCapacity(events.count)
        for (offset, event) in events.enumerated() {
            var record = EventRecord()
            record.position = s.nextPosition + UInt64(offset)
            record.streamID = stream
            record.streamVersion = current + 1 + UInt64(offset)
            record.eventID = configuration.envelope.eventID(event.eventID, position: record.position).bytes
            record.eventType = event.type
            record.schemaVersion = event.schemaVersion
            record.recordedAtMicros = now
            record.actor = event.actor
            record.commandID = commandID
            record.correlationID = event.correlationID
            record.payload = event.payload
            records.append(record)
        }
        let result = AppendResult(
            streamID: stream, firstPosition: s.nextPosition,
            lastPosition: s.nextPosition + UInt64(events.count) - 1,
            firstVersion: current + 1, lastVersion: current + UInt64(events.count))
        s.nextPosition += UInt64(events.count)
        s.streamVersions[stream] = result.lastVersion
        s.pending.append(PendingAppend(records: records, result: result, complete: complete))
        if !commandID.isEmpty {
            s.inflightCommands[commandID] = InflightCommand(result: result, waiters: [])
        }
        return .pending
    }

    /// Group commit: runs on the writer queue while appends are pending. Each turn takes
    /// every pending append, writes them as one group, syncs once, records them in the
    /// index, then resumes their appenders.
    private func flushLoop() {
        while true {
            if case let .batch(interval) = configuration.durability {
                let (seconds, attoseconds) = interval.components
                Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
            }
            let batch: [PendingAppend] = state.withLock { s in
                if s.pending.isEmpty {
                    s.flushScheduled = false
                    return []
                }
                defer { s.pending.removeAll(keepingCapacity: true) }
                return s.pending
            }
            if batch.isEmpty { return }
            let records = batch.flatMap(\.records)
            let frames: [FrameLocation]
            do {
                frames = try writer!.write(group: records).frames
            } catch {
                failEverything(batch: batch, error: error)
                return
            }
            // Durable from here on: the appenders are acknowledged whatever happens to the index.
            let last = records[records.count - 1].position
            var indexFailure: LogError?
            do {
                try index.record(
                    frames: frames,
                    events: records.map {
                        IndexedEvent(
                            position: $0.position, streamID: $0.streamID, streamVersion: $0.streamVersion,
                            commandID: $0.commandID)
                    },
                    head: StreamIndex.Meta(headPosition: last, headHash: writer!.lastHash))
            } catch {
                indexFailure = error
            }
            let (duplicates, headWaiters) = state.withLock { s in
                s.committedHead = last
                var duplicates: [(Completion, AppendResult)] = []
                if let indexFailure {
                    s.failure = indexFailure.message
                }
                for append in batch where !append.records[0].commandID.isEmpty {
                    let commandID = append.records[0].commandID
                    // Kept in memory when the index failed: idempotency must not lapse.
                    guard let inflight = indexFailure == nil
                        ? s.inflightCommands.removeValue(forKey: commandID) : s.inflightCommands[commandID]
                    else { continue }
                    var original = inflight.result
                    original.deduplicated = true
                    duplicates += inflight.waiters.map { ($0, original) }
                    s.inflightCommands[commandID]?.waiters = []
                }
                let waiters = Array(s.headWaiters.values)
                s.headWaiters.removeAll()
                return (duplicates, waiters)
            }
            for append in batch { append.complete(.success(append.result)) }
            for (complete, result) in duplicates { complete(.success(result)) }
            for waiter in headWaiters { waiter.resume() }
        }
    }

    private func failEverything(batch: [PendingAppend], error: any Error) {
        let logError = error as? LogError ?? .failed(reason: "\(error)")
        let (pending, duplicates, waiters) = state.withLock { s in
            s.failure = logError.message
            s.flushScheduled = false
            let pending = s.pending
            s.pending.removeAll()
            let duplicates = s.inflightCommands.values.flatMap(\.waiters)
            s.inflightCommands.removeAll()
            let waiters = Array(s.headWaiters.values)
            s.headWaiters.removeAll()
            return (pending, duplicates, waiters)
        }
        for append in batch + pending { append.complete(.failure(logError)) }
        for complete in duplicates { complete(.failure(logError)) }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Waiting for commits

    /// Returns once the head passes `position`, the log closes, or the task is cancelled.
    func waitForCommit(after position: UInt64) async {
        let id: UInt64? = state.withLock { s in
            if s.committedHead > position || s.closed || s.failure != nil { return nil }
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s in
                    if s.committedHead > position || s.closed || s.failure != nil || Task.isCancelled { return true }
                    s.headWaiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.headWaiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    // MARK: - Closing

    /// Refuses new appends, waits until every accepted append is durable, ends live
    /// subscriptions and releases the directory lock. Reads keep working.
    public func close() async {
        state.withLock { $0.closed = true }
        // Appends accepted before the flag was set are flushed by a block already queued,
        // or about to be; drain the queue until none is scheduled.
        repeat {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                writerQueue.async { continuation.resume() }
            }
        } while state.withLock({ $0.flushScheduled })
        let waiters = state.withLock { s in
            let waiters = Array(s.headWaiters.values)
            s.headWaiters.removeAll()
            return waiters
        }
        for waiter in waiters { waiter.resume() }
        if lockFD >= 0 { flock(lockFD, LOCK_UN) }
    }
}
