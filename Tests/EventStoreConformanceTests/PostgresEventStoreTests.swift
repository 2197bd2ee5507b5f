import EventLog
import Foundation
import PostgresNIO
import Testing
import TestSupport
@testable import PostgresEventStore

/// What only the PostgreSQL engine has to prove: the late-commit trap (Marten #1629, #4952)
/// cannot make a reader skip a position, its chain and anchor catch re-hashed rows, its
/// schema is versioned, and its addresses are checked.
@Suite struct PostgresEventStoreTests {
    /// Opens a store on a fresh schema (the case cancels itself, naming why, without a server).
    private func openFresh() async throws -> (PostgresEventStore, StorePlace) {
        let place = try await StoreEngine.postgres.makePlace()
        let store = try await place.open()
        return (try #require(store as? PostgresEventStore), place)
    }

    /// Polls `condition` (a query of the server's own state) until it holds, failing after 30 s.
    private func waitUntil(_ what: String, _ condition: @escaping @Sendable () async throws -> Bool) async throws {
        try await withDeadline(30, waitingFor: what) {
            while try await !condition() { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    private func count(_ store: PostgresEventStore, _ query: PostgresQuery) async throws -> Int {
        let rows = try await store.client.query(query, logger: store.logger).collect()
        return try rows.first.map { try $0.decode(Int.self) } ?? 0
    }

    /// Appending transaction A holds position 4 uncommitted (its update of the head row waits on
    /// a row lock this test holds) while appends B and C are made: neither may commit a later
    /// position before A, a reader meanwhile sees exactly 1...3, and once A commits a live
    /// subscriber has seen 1...6 with no position skipped.
    @Test func a_reader_never_skips_a_position_whose_transaction_commits_late() async throws {
        let (store, place) = try await openFresh()
        defer { Task { await place.remove() } }
        var generator = SeededGenerator(seed: 1629)
        try await store.append("s", .any, proposed(3, tag: "s", using: &generator))
        let live = OneShotSignal()
        let subscriber = Task { () -> [UInt64] in
            var seen: [UInt64] = []
            for try await event in store.subscribe(from: 1, whenLive: { live.fire() }) {
                seen.append(event.position)
                if event.position == 6 { break }
            }
            return seen
        }
        try await live.wait(seconds: 30, for: "the subscriber to catch up")
        let headTable = store.schema.table("head")
        let key = store.schema.lockKey
        let (a, b, c): (Task<AppendResult, any Error>, Task<AppendResult, any Error>, Task<AppendResult, any Error>) =
            try await store.client.withConnection { blocker in
                try await blocker.query("BEGIN", logger: store.logger)
                try await blocker.query("SELECT 1 FROM \(unescaped: headTable) WHERE id = 1 FOR UPDATE", logger: store.logger)
                let eventsA = proposed(1, tag: "a", using: &generator)
                let a = Task { try await store.append(stream: "a", expectedVersion: .any, events: eventsA, commandID: nil) }
                try await waitUntil("append A to wait on the head row with position 4 written") {
                    try await count(store, """
                        SELECT count(*)::bigint FROM pg_stat_activity
                        WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE%' AND strpos(query, \(headTable)) > 0
                        """) == 1
                }
                let eventsB = proposed(1, tag: "b", using: &generator), eventsC = proposed(1, tag: "c", using: &generator)
                let b = Task { try await store.append(stream: "b", expectedVersion: .any, events: eventsB, commandID: nil) }
                let c = Task { try await store.append(stream: "c", expectedVersion: .any, events: eventsC, commandID: nil) }
                try await waitUntil("appends B and C to wait for A") {
                    try await count(store, """
                        SELECT count(*)::bigint FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                        AND classid::bigint = \(Int64(UInt64(bitPattern: key) >> 32))
                        AND objid::bigint = \(Int64(UInt64(bitPattern: key) & 0xffff_ffff)) AND objsubid = 1
                        """) == 2
                }
                // A holds position 4 open: readers see the prefix before it, nothing after.
                #expect(try await store.read(from: 1, limit: .max).map(\.position) == [1, 2, 3])
                #expect(try await store.head == 3)
                #expect(try await store.read(from: 4, limit: .max).isEmpty)
                try await blocker.query("COMMIT", logger: store.logger)
                return (a, b, c)
            }
        let resultA = try await a.value, resultB = try await b.value, resultC = try await c.value
        #expect(resultA.firstPosition == 4)
        #expect(Set([resultB.firstPosition, resultC.firstPosition]) == [5, 6])
        let seen = try await withDeadline(30, waitingFor: "the subscriber to see position 6") { try await subscriber.value }
        #expect(seen == [1, 2, 3, 4, 5, 6])
        #expect(try await store.verify().isClean)
        await store.close()
    }

    /// A row changed with its own hash recomputed breaks the next row's link; every later row
    /// re-hashed as well contradicts the hash anchored in the head row.
    @Test func rehashed_rows_break_the_next_link_or_the_anchor() async throws {
        let (store, place) = try await openFresh()
        defer { Task { await place.remove() } }
        for n in 0..<8 {
            try await store.append("s", .any, [ProposedEvent(type: "T", payload: Data(repeating: UInt8(n), count: 16), actor: "a")])
        }
        let events = store.schema.table("events")
        func rehash(_ position: Int64, change: Bool) async throws {
            // The record's last byte is its payload's: the changed record still decodes.
            let record = change ? "set_byte(record, length(record) - 1, get_byte(record, length(record) - 1) # 1)" : "record"
            try await store.client.query(
                """
                UPDATE \(unescaped: events) SET record = \(unescaped: record),
                    previous_hash = coalesce((SELECT hash FROM \(unescaped: events) WHERE position = \(position - 1)), previous_hash),
                    hash = sha256(coalesce((SELECT hash FROM \(unescaped: events) WHERE position = \(position - 1)), previous_hash)
                        || \(unescaped: record))
                WHERE position = \(position)
                """, logger: store.logger)
        }
        try await rehash(3, change: true)
        var report = try await store.verify()
        #expect(report.problem?.position == 4, "\(String(describing: report.problem))")
        #expect(report.problem?.reason.contains("hash chain broken") == true)
        // Readers check the links they walk, too.
        await #expect(throws: LogError.self) { try await store.read(from: 1, limit: .max) }
        for position in Int64(4)...8 { try await rehash(position, change: false) }
        report = try await store.verify()
        #expect(report.problem?.position == 8, "\(String(describing: report.problem))")
        #expect(report.problem?.reason.contains("anchored") == true)
        await store.close()
    }

    @Test func a_schema_newer_than_this_build_is_refused_untouched() async throws {
        let (store, place) = try await openFresh()
        defer { Task { await place.remove() } }
        try await store.client.query(
            "INSERT INTO \(unescaped: store.schema.table("schema_version")) (version, description) VALUES (99, 'future')",
            logger: store.logger)
        await store.close()
        await #expect(throws: LogError.storeSchemaTooNew(found: 99, supported: PostgresSchema.currentVersion)) {
            _ = try await place.open()
        }
    }

    @Test func store_addresses_are_parsed_or_refused_naming_the_rule() throws {
        let tcp = try PostgresStoreAddress(url: "postgres://ledger:secret@db.example:5433/prod?schema=team_a&sslmode=require")
        #expect(tcp.endpoint == .tcp(host: "db.example", port: 5433))
        #expect(tcp.username == "ledger" && tcp.password == "secret" && tcp.database == "prod")
        #expect(tcp.schema == "team_a" && tcp.tls == .require)
        let socket = try PostgresStoreAddress(url: "postgresql://me@/ledger?host=/run/postgresql")
        #expect(socket.endpoint == .unixSocket(path: "/run/postgresql/.s.PGSQL.5432"))
        #expect(socket.schema == PostgresStoreAddress.defaultSchema && socket.tls == .disable)
        for bad in [
            "mysql://u@h/db", "postgres://u@h/", "postgres://h/db", "postgres://u@h/db?schema=Bad-Name",
            "postgres://u@h/db?schema=x;drop", "postgres://u@h:0/db", "postgres://u@h/db?sslmode=maybe",
            "postgres://u@h/db?colour=red", "postgres://u@/db", "postgres://u:pw@h/db?schema=a&schema=b",
        ] {
            let error = #expect(throws: LogError.self, "\(bad)") { try PostgresStoreAddress(url: bad) }
            #expect(error?.code == "LabelLedger.Log.382", "\(bad): \(String(describing: error))")
            #expect(error?.message.contains(":pw@") == false, "the password stays out of the message")
        }
    }

    /// Nothing listens at the address: the open fails with Log.380 within its timeout, no hang.
    @Test func an_unreachable_server_fails_the_open_within_its_timeout() async throws {
        let directory = TemporaryDirectory("pg-unreachable")
        defer { directory.cleanup() }
        let address = try PostgresStoreAddress(url: "postgres://nobody@/db?host=\(directory.path)")
        let error = try await withDeadline(30, waitingFor: "the open to fail") { () -> LogError? in
            do throws(LogError) {
                let store = try await PostgresEventStore.open(address, connectTimeout: .seconds(2))
                await store.close()
                return nil
            } catch {
                return error
            }
        }
        #expect(error?.code == "LabelLedger.Log.380", "\(String(describing: error))")
    }
}
