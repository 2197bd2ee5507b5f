import Crypto
import EventLog
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// The event log kept in PostgreSQL: the same contract as the embedded segment log
/// (``EventStore``), for several processes — on several machines — sharing one history.
///
/// ```swift
/// let store = try await PostgresEventStore.open(url: "postgres://ledger@db.internal/ledger")
/// try await store.append(stream: "dataset-1", expectedVersion: .noStream, events: events, commandID: id)
/// for try await event in store.subscribe(from: 1, whenLive: nil) { … }
/// ```
///
/// ## Positions readers never see out of order
///
/// The classic trap of a log in a table: positions come from a sequence, transaction A takes
/// position 7, transaction B takes 8 and commits first; a reader that has seen 8 moves its
/// checkpoint past 7, and when A commits, event 7 is skipped for good (Marten #1629, #4952).
///
/// Here every append takes the store's **transaction-level advisory lock**
/// (`pg_advisory_xact_lock`, one key per schema) before it reads the head, and holds it until its
/// transaction ends. So appends are serialised: the next append reads the head only after the
/// previous one has committed (or rolled back), and takes the position after it. PostgreSQL
/// makes a commit visible to new snapshots before it releases the transaction's locks, so by the
/// time any transaction can commit position *n + 1*, position *n* is already visible: every
/// snapshot — every read — sees a gap-free prefix of the log, and commit order is position order.
/// A reader can trust `position > checkpoint` and needs no high-water mark or settling delay.
/// (The alternative, a high-water mark below `pg_snapshot_xmin`, lets appends overlap but makes
/// every reader wait for the oldest open writer and needs per-row transaction ids; one lock is
/// simpler, is correct across any number of nodes, and its cost is paid once per commit, which
/// batches many events.)
///
/// Invariants, besides ``EventStore``'s:
/// - `events.position` is 1-based and gap-free; `UNIQUE (stream_id, stream_version)` and
///   `commands.command_id PRIMARY KEY` back the checks made under the lock.
/// - Each row keeps the serialized `labelledger.log.EventRecord` the segment log would frame
///   (``StoredEventRecord``), and `hash = SHA-256(previous_hash ‖ record)` with `previous_hash`
///   the hash of the row before (32 zero bytes before position 1); `head` anchors the last hash,
///   updated in the same transaction. Readers check each row's hash and the links they walk;
///   ``verify()`` checks everything.
/// - Live subscriptions wake on `LISTEN/NOTIFY` (each append notifies its last position in its
///   transaction, delivered at commit) and read positions from the table; see ``HeadWatch``.
///
/// Thread-safety: all methods may be called from any task; connections come from a pool
/// (`PostgresClient`), one per concurrent call.
public final class PostgresEventStore: EventStore {
    public let address: PostgresStoreAddress
    let schema: PostgresSchema
    let client: PostgresClient
    let logger: Logger
    let watch = HeadWatch()
    /// How long a live subscriber waits for a wake-up before it re-reads anyway.
    let pollInterval: Duration
    private let runTask: Task<Void, Never>
    private let listener = Mutex<Task<Void, Never>?>(nil)
    private let gate = Mutex(Gate())

    /// Appends in flight and whether the store is closed; ``close()`` waits for the in-flight ones.
    private struct Gate {
        var closed = false
        var inFlight = 0
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    /// Rows per read query.
    static let pageSize = 2_000

    private init(address: PostgresStoreAddress, client: PostgresClient, logger: Logger, pollInterval: Duration) {
        self.address = address
        self.schema = PostgresSchema(name: address.schema)
        self.client = client
        self.logger = logger
        self.pollInterval = pollInterval
        self.runTask = Task { await client.run() }
    }

    // MARK: - Opening

    /// Opens the store at `url` (see ``PostgresStoreAddress``), creating or migrating its schema.
    public static func open(url: String, connectTimeout: Duration = .seconds(15)) async throws(LogError) -> PostgresEventStore {
        try await open(PostgresStoreAddress(url: url), connectTimeout: connectTimeout)
    }

    /// Opens the store at `address`: connects, creates or migrates the schema (refusing a newer
    /// one), and starts listening for appends before it returns, so a subscription started
    /// afterwards misses no wake-up.
    ///
    /// - Throws: ``LogError/store(reason:)`` when the database cannot be reached within
    ///   `connectTimeout`; ``LogError/storeSchemaTooNew(found:supported:)``.
    public static func open(
        _ address: PostgresStoreAddress, maximumConnections: Int = 16, connectTimeout: Duration = .seconds(15),
        pollInterval: Duration = .seconds(1)
    ) async throws(LogError) -> PostgresEventStore {
        let logger = {
            var logger = Logger(label: "labelledger.postgres")
            logger.logLevel = .critical
            return logger
        }()
        let client = PostgresClient(configuration: try address.clientConfiguration(maximumConnections: maximumConnections))
        let store = PostgresEventStore(address: address, client: client, logger: logger, pollInterval: pollInterval)
        do {
            try await Self.withDeadline(connectTimeout, what: "connecting to \(address.describe)") {
                try await client.withConnection { connection in
                    _ = try await store.schema.migrate(on: connection, logger: logger)
                }
            }
            store.startListening()
            try await Self.withDeadline(connectTimeout, what: "LISTEN on \(address.describe)") {
                while !store.watch.isListening {
                    let ticket = store.watch.ticket()
                    if store.watch.isListening { break }
                    await store.watch.wait(beyond: ticket, timeout: .milliseconds(50))
                }
            }
        } catch {
            await store.shutDown()
            throw store.storeError(error)
        }
        return store
    }

    /// Runs `body`, or throws ``LogError/store(reason:)`` once `limit` has passed.
    static func withDeadline(
        _ limit: Duration, what: String, _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return false
            }
            let finished = try await group.next() ?? false
            group.cancelAll()
            if !finished { throw LogError.store(reason: "\(what) took longer than \(limit)") }
        }
    }

    /// Keeps one pooled connection `LISTEN`ing on the schema's channel, re-establishing it
    /// when it drops; every notification, and every (re)connection, wakes the subscribers.
    private func startListening() {
        let task = Task { [client, schema, watch, logger] in
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: schema.channel) { notifications in
                            watch.setListening(true)
                            for try await notification in notifications { watch.bump(seen: UInt64(notification.payload)) }
                        }
                    }
                } catch {
                    logger.debug("LISTEN connection ended: \(String(reflecting: error))")
                }
                watch.setListening(false)
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        listener.withLock { $0 = task }
    }

    // MARK: - Closing

    /// Refuses new appends, waits for the ones in flight, ends live subscriptions and closes
    /// the connections. Calling it again does nothing.
    public func close() async {
        let wait = gate.withLock { g -> Bool in
            g.closed = true
            return g.inFlight > 0
        }
        if wait {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = gate.withLock { g -> Bool in
                    if g.inFlight == 0 { return true }
                    g.drained.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        }
        await shutDown()
    }

    private func shutDown() async {
        gate.withLock { $0.closed = true }
        let task = listener.withLock { $0 }
        task?.cancel()
        runTask.cancel()
        await task?.value
        await runTask.value
        watch.bump()
    }

    var isClosed: Bool { gate.withLock { $0.closed } }

    private func enter() -> Bool {
        gate.withLock { g in
            if g.closed { return false }
            g.inFlight += 1
            return true
        }
    }

    private func leave() {
        let waiters = gate.withLock { g -> [CheckedContinuation<Void, Never>] in
            g.inFlight -= 1
            guard g.inFlight == 0 else { return [] }
            defer { g.drained.removeAll() }
            return g.drained
        }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Errors

    /// `error` as a ``LogError``: itself when it is one, else ``LogError/store(reason:)`` with
    /// the server's SQLSTATE and message when there is one.
    func storeError(_ error: any Error) -> LogError {
        if let error = error as? LogError { return error }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let state = info[.sqlState] ?? "?"
                let message = info[.message] ?? ""
                return .store(reason: "PostgreSQL \(state): \(message)")
            }
            return .store(reason: "PostgreSQL client: \(error.code)")
        }
        if error is CancellationError { return .closed }
        return .store(reason: String(describing: error))
    }

    /// Damage found in a row: ``LogError/corruption(segment:offset:position:reason:)`` naming the table.
    func corruption(_ position: UInt64, _ reason: String) -> LogError {
        .corruption(segment: schema.table("events"), offset: 0, position: position, reason: reason)
    }

    // MARK: - State

    public var head: UInt64 {
        get async throws(LogError) {
            guard let position = try await scalar("SELECT position FROM \(unescaped: schema.table("head")) WHERE id = 1")
            else { throw LogError.store(reason: "the head row is missing") }
            watch.see(position)
            return position
        }
    }

    /// The highest position this process has seen durable — its own appends, `NOTIFY`s from
    /// the others, head queries — without a round trip: a lower bound of ``head``.
    public var knownHead: UInt64 { watch.known }

    public func version(of stream: String) async throws(LogError) -> UInt64 {
        try await scalar(
            """
            SELECT stream_version FROM \(unescaped: schema.table("events"))
            WHERE stream_id = \(stream) ORDER BY stream_version DESC LIMIT 1
            """) ?? 0
    }

    /// The first column of the first row `query` returns (a `bigint`), or nil when it returns none.
    private func scalar(_ query: PostgresQuery) async throws(LogError) -> UInt64? {
        do {
            let rows = try await client.query(query, logger: logger).collect()
            return try rows.first.map { UInt64(try $0.decode(Int64.self)) }
        } catch {
            throw storeError(error)
        }
    }

    // MARK: - Appending

    @discardableResult
    public func append(
        stream: String, expectedVersion: ExpectedVersion = .any, events: [ProposedEvent], commandID: String? = nil
    ) async throws -> AppendResult {
        let request = AppendRequest(stream: stream, expectedVersion: expectedVersion, events: events, commandID: commandID)
        return try await append([request])[0].get()
    }

    /// Appends the requests in order in one transaction (one commit for all of them), each with
    /// its own outcome; see ``EventStore/append(_:)``. A failure of the database fails every
    /// request that was not refused on its own: none of them was written (one transaction), and
    /// retrying with the same command ids is safe.
    public func append(_ requests: [AppendRequest]) async -> [Result<AppendResult, LogError>] {
        guard !requests.isEmpty else { return [] }
        guard enter() else { return requests.map { _ in .failure(.closed) } }
        defer { leave() }
        let refusals = requests.map(Self.refusal)
        if refusals.allSatisfy({ $0 != nil }) { return refusals.map { .failure($0!) } }
        do {
            let outcomes = try await client.withConnection { connection in
                try await self.appendTransaction(requests, refusals: refusals, on: connection)
            }
            watch.bump(seen: outcomes.compactMap { try? $0.get().lastPosition }.max())
            return outcomes
        } catch {
            let failure = storeError(error)
            return refusals.map { .failure($0 ?? failure) }
        }
    }

    /// What is wrong with a request on its own, before any database state is read.
    static func refusal(_ request: AppendRequest) -> LogError? {
        guard !request.stream.isEmpty, request.stream.utf8.count <= 256 else { return .invalidStreamID(request.stream) }
        guard !request.events.isEmpty else { return .emptyAppend(stream: request.stream) }
        for event in request.events where event.payload.count > StoredEventRecord.maxPayloadBytes {
            return .eventTooLarge(stream: request.stream, bytes: event.payload.count, limit: StoredEventRecord.maxPayloadBytes)
        }
        return nil
    }

    /// The rows one transaction inserts, column by column (for `unnest`).
    private struct NewRows {
        var positions: [Int64] = []
        var streams: [String] = []
        var versions: [Int64] = []
        var eventIDs: [UUID] = []
        var types: [String] = []
        var recordedAt: [Int64] = []
        var commandIDs: [String] = []
        var records: [ByteBuffer] = []
        var previousHashes: [ByteBuffer] = []
        var hashes: [ByteBuffer] = []
        var commands: [(id: String, result: AppendResult)] = []
    }

    private func appendTransaction(
        _ requests: [AppendRequest], refusals: [LogError?], on connection: PostgresConnection
    ) async throws -> [Result<AppendResult, LogError>] {
        let events = schema.table("events")
        let commands = schema.table("commands")
        let headTable = schema.table("head")
        try await connection.query("BEGIN", logger: logger)
        do {
            // Serialises appends until COMMIT: see the type's documentation.
            try await connection.query("SELECT pg_advisory_xact_lock(\(schema.lockKey))", logger: logger)
            let headRows = try await connection.query(
                "SELECT position, hash, recorded_at_micros FROM \(unescaped: headTable) WHERE id = 1", logger: logger
            ).collect()
            guard let headRow = headRows.first else { throw LogError.store(reason: "the head row is missing") }
            let (headPosition, headHash, headRecordedAt) = try headRow.decode((Int64, ByteBuffer, Int64).self)
            var nextPosition = UInt64(headPosition) + 1
            var previousHash = [UInt8](buffer: headHash)
            let clock = max(StoredEventRecord.micros(Date()), headRecordedAt)
            var lastRecordedAt = headRecordedAt
            var streamVersions: [String: UInt64] = [:]
            var placedCommands: [String: AppendResult] = [:]
            var rows = NewRows()
            var outcomes: [Result<AppendResult, LogError>] = []
            for (request, refusal) in zip(requests, refusals) {
                if let refusal {
                    outcomes.append(.failure(refusal))
                    continue
                }
                let stream = request.stream
                let commandID = request.commandID ?? ""
                if !commandID.isEmpty {
                    var original = placedCommands[commandID]
                    if original == nil {
                        let found = try await connection.query(
                            """
                            SELECT stream_id, first_position, last_position, first_version, last_version
                            FROM \(unescaped: commands) WHERE command_id = \(commandID)
                            """, logger: logger
                        ).collect()
                        if let row = found.first {
                            let (s, fp, lp, fv, lv) = try row.decode((String, Int64, Int64, Int64, Int64).self)
                            original = AppendResult(
                                streamID: s, firstPosition: UInt64(fp), lastPosition: UInt64(lp),
                                firstVersion: UInt64(fv), lastVersion: UInt64(lv))
                        }
                    }
                    if var original {
                        guard original.streamID == stream else {
                            outcomes.append(.failure(.commandIDReused(
                                commandID: commandID, originalStream: original.streamID, stream: stream)))
                            continue
                        }
                        original.deduplicated = true
                        outcomes.append(.success(original))
                        continue
                    }
                }
                var current = streamVersions[stream]
                if current == nil {
                    let found = try await connection.query(
                        """
                        SELECT stream_version FROM \(unescaped: events)
                        WHERE stream_id = \(stream) ORDER BY stream_version DESC LIMIT 1
                        """, logger: logger
                    ).collect()
                    current = try found.first.map { UInt64(try $0.decode(Int64.self)) } ?? 0
                }
                let version = current!
                if case let .exact(expected) = request.expectedVersion, expected != version {
                    outcomes.append(.failure(.wrongExpectedVersion(stream: stream, expected: expected, actual: version)))
                    continue
                }
                // A copy keeps its times (AppendRequest.recordedAt), never below the last one.
                let now = request.recordedAt.map { max(StoredEventRecord.micros($0), lastRecordedAt) } ?? max(clock, lastRecordedAt)
                lastRecordedAt = now
                let result = AppendResult(
                    streamID: stream, firstPosition: nextPosition, lastPosition: nextPosition + UInt64(request.events.count) - 1,
                    firstVersion: version + 1, lastVersion: version + UInt64(request.events.count))
                for (offset, proposed) in request.events.enumerated() {
                    let event = RecordedEvent(
                        position: nextPosition + UInt64(offset), streamID: stream, streamVersion: version + 1 + UInt64(offset),
                        eventID: proposed.eventID, type: proposed.type, schemaVersion: proposed.schemaVersion,
                        recordedAt: Date(timeIntervalSince1970: Double(now) / 1_000_000), actor: proposed.actor,
                        commandID: commandID, correlationID: proposed.correlationID, payload: proposed.payload)
                    let record = StoredEventRecord.encode(event, recordedAtMicros: now)
                    let hash = RowChain.hash(previous: previousHash, record: record)
                    rows.positions.append(Int64(event.position))
                    rows.streams.append(stream)
                    rows.versions.append(Int64(event.streamVersion))
                    rows.eventIDs.append(event.eventID)
                    rows.types.append(event.type)
                    rows.recordedAt.append(now)
                    rows.commandIDs.append(commandID)
                    rows.records.append(ByteBuffer(bytes: record))
                    rows.previousHashes.append(ByteBuffer(bytes: previousHash))
                    rows.hashes.append(ByteBuffer(bytes: hash))
                    previousHash = hash
                }
                nextPosition = result.lastPosition + 1
                streamVersions[stream] = result.lastVersion
                if !commandID.isEmpty {
                    placedCommands[commandID] = result
                    rows.commands.append((commandID, result))
                }
                outcomes.append(.success(result))
            }
            if !rows.positions.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: events) (position, stream_id, stream_version, event_id, event_type,
                        recorded_at_micros, command_id, record, previous_hash, hash)
                    SELECT * FROM unnest(\(rows.positions)::bigint[], \(rows.streams)::text[], \(rows.versions)::bigint[],
                        \(rows.eventIDs)::uuid[], \(rows.types)::text[], \(rows.recordedAt)::bigint[], \(rows.commandIDs)::text[],
                        \(rows.records)::bytea[], \(rows.previousHashes)::bytea[], \(rows.hashes)::bytea[])
                    """, logger: logger)
                if !rows.commands.isEmpty {
                    try await connection.query(
                        """
                        INSERT INTO \(unescaped: commands) (command_id, stream_id, first_position, last_position,
                            first_version, last_version)
                        SELECT * FROM unnest(\(rows.commands.map(\.id))::text[], \(rows.commands.map(\.result.streamID))::text[],
                            \(rows.commands.map { Int64($0.result.firstPosition) })::bigint[],
                            \(rows.commands.map { Int64($0.result.lastPosition) })::bigint[],
                            \(rows.commands.map { Int64($0.result.firstVersion) })::bigint[],
                            \(rows.commands.map { Int64($0.result.lastVersion) })::bigint[])
                        """, logger: logger)
                }
                let last = Int64(nextPosition - 1)
                try await connection.query(
                    """
                    UPDATE \(unescaped: headTable) SET position = \(last), hash = \(ByteBuffer(bytes: previousHash)),
                        recorded_at_micros = \(lastRecordedAt) WHERE id = 1
                    """, logger: logger)
                try await connection.query("SELECT pg_notify(\(schema.channel), \(String(last)))", logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
            return outcomes
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    // MARK: - Reading

    /// Up to `limit` events from `position` on, in order, each row's hash and every link between
    /// the rows read checked.
    public func read(from position: UInt64, limit: Int = .max) async throws(LogError) -> [RecordedEvent] {
        var next = max(position, 1)
        var events: [RecordedEvent] = []
        var previousHash: [UInt8]?
        while events.count < limit {
            let want = min(Self.pageSize, limit - events.count)
            let rows: [PostgresRow]
            do {
                rows = try await client.query(
                    """
                    SELECT record, previous_hash, hash FROM \(unescaped: schema.table("events"))
                    WHERE position >= \(Int64(next)) ORDER BY position LIMIT \(want)
                    """, logger: logger
                ).collect()
            } catch {
                throw storeError(error)
            }
            for row in rows {
                let event = try checkedRow(row, position: next, previousHash: &previousHash)
                events.append(event)
                next += 1
            }
            if rows.count < want { break }
        }
        return events
    }

    /// The event in `row` (`record, previous_hash, hash`), which must be at `position`, its hash
    /// right and — when `previousHash` is known — linked to the row before.
    func checkedRow(_ row: PostgresRow, position: UInt64, previousHash: inout [UInt8]?) throws(LogError) -> RecordedEvent {
        let columns: (ByteBuffer, ByteBuffer, ByteBuffer)
        do {
            columns = try row.decode((ByteBuffer, ByteBuffer, ByteBuffer).self)
        } catch {
            throw corruption(position, "the row does not decode: \(String(reflecting: error))")
        }
        return try checkedEvent(
            record: columns.0, previous: columns.1, hash: columns.2, position: position, previousHash: &previousHash)
    }

    /// The event a row's `record` holds, checked as ``checkedRow(_:position:previousHash:)`` says.
    func checkedEvent(
        record: ByteBuffer, previous: ByteBuffer, hash: ByteBuffer, position: UInt64, previousHash: inout [UInt8]?
    ) throws(LogError) -> RecordedEvent {
        let recordBytes = [UInt8](buffer: record)
        let previousBytes = [UInt8](buffer: previous)
        let hashBytes = [UInt8](buffer: hash)
        if let expected = previousHash, expected != previousBytes {
            throw corruption(position, "hash chain broken: the row does not name the SHA-256 of the row before it")
        }
        guard RowChain.hash(previous: previousBytes, record: recordBytes) == hashBytes else {
            throw corruption(position, "the row does not hash to its stored SHA-256: its record or a hash was changed")
        }
        guard let (event, _) = StoredEventRecord.decode(Data(recordBytes)) else {
            throw corruption(position, "the record is not a labelledger.log.EventRecord")
        }
        guard event.position == position else {
            throw corruption(position, "the record holds position \(event.position)")
        }
        previousHash = hashBytes
        return event
    }

    public func events(from position: UInt64 = 1) -> PostgresEventSequence {
        PostgresEventSequence(store: self, from: max(position, 1), live: false, whenLive: nil)
    }

    public func subscribe(from position: UInt64 = 1, whenLive: (@Sendable () -> Void)? = nil) -> PostgresEventSequence {
        PostgresEventSequence(store: self, from: max(position, 1), live: true, whenLive: whenLive)
    }

    // MARK: - Reading a stream

    /// Up to `limit` events of `stream` from `fromVersion` on, each row's hash checked.
    func readStreamPage(_ stream: String, fromVersion: UInt64, limit: Int) async throws(LogError) -> [RecordedEvent] {
        let rows: [PostgresRow]
        do {
            rows = try await client.query(
                """
                SELECT position, stream_version, record, previous_hash, hash FROM \(unescaped: schema.table("events"))
                WHERE stream_id = \(stream) AND stream_version >= \(Int64(fromVersion))
                ORDER BY stream_version LIMIT \(limit)
                """, logger: logger
            ).collect()
        } catch {
            throw storeError(error)
        }
        var events: [RecordedEvent] = []
        var expectedVersion = fromVersion
        for row in rows {
            let columns: (Int64, Int64, ByteBuffer, ByteBuffer, ByteBuffer)
            do {
                columns = try row.decode((Int64, Int64, ByteBuffer, ByteBuffer, ByteBuffer).self)
            } catch {
                throw corruption(0, "a row of stream '\(stream)' does not decode: \(String(reflecting: error))")
            }
            let (position, version, record, previous, hash) = columns
            var unknown: [UInt8]? = nil
            let event = try checkedEvent(
                record: record, previous: previous, hash: hash, position: UInt64(position), previousHash: &unknown)
            guard event.streamID == stream, event.streamVersion == UInt64(version), UInt64(version) == expectedVersion else {
                throw corruption(
                    UInt64(position),
                    "the row indexed as \(stream)@\(version) holds \(event.streamID)@\(event.streamVersion)")
            }
            expectedVersion += 1
            events.append(event)
        }
        return events
    }

    public func read(stream: String, fromVersion: UInt64 = 1) async throws(LogError) -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        var next = max(fromVersion, 1)
        while true {
            let page = try await readStreamPage(stream, fromVersion: next, limit: Self.pageSize)
            events += page
            guard page.count == Self.pageSize, let last = page.last else { return events }
            next = last.streamVersion + 1
        }
    }

    public func events(stream: String, fromVersion: UInt64 = 1) -> PostgresStreamEventSequence {
        PostgresStreamEventSequence(store: self, stream: stream, fromVersion: max(fromVersion, 1))
    }

    public func position(ofStream stream: String, version: UInt64) async throws(LogError) -> UInt64? {
        guard version > 0 else { return nil }
        return try await scalar(
            """
            SELECT position FROM \(unescaped: schema.table("events"))
            WHERE stream_id = \(stream) AND stream_version = \(Int64(version))
            """)
    }

    // MARK: - Time

    public func position(at date: Date) async throws(LogError) -> UInt64 {
        try await scalar(
            """
            SELECT position FROM \(unescaped: schema.table("events"))
            WHERE recorded_at_micros <= \(StoredEventRecord.micros(date))
            ORDER BY recorded_at_micros DESC, position DESC LIMIT 1
            """) ?? 0
    }
}

extension PostgresStoreAddress {
    /// The address for messages: where, which database and schema, never the password.
    var describe: String {
        switch endpoint {
        case let .tcp(host, port): "\(host):\(port)/\(database) schema \(schema)"
        case let .unixSocket(path): "\(path) /\(database) schema \(schema)"
        }
    }
}
