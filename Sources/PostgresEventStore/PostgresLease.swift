import EventLog
import Foundation
import Logging
import PostgresNIO

/// A lease that at most one process holds at a time among all that share a store: a
/// session-level advisory lock (`pg_try_advisory_lock`) held on one dedicated connection for
/// as long as the holder runs. The auto-labeling reactor runs under it, so exactly one node
/// runs tasks.
///
/// Invariants:
/// - ``run(_:)`` calls `body` only while this process's connection holds the lock.
/// - The lock belongs to the connection's session: when the holder dies (SIGKILL, a crash, a
///   cut network), PostgreSQL ends the session and releases the lock; the next try of another
///   node takes it (every ``retryInterval``), so a task resumes within seconds, "as after a
///   crash" (the reactor's own resume).
/// - The holder checks its connection every ``checkInterval``; a failed check cancels `body`
///   (another node may already hold the lock), and the lease is tried for again.
public struct PostgresLease: Sendable {
    let store: PostgresEventStore
    /// The lock's key: stable across processes, distinct per schema and lease name.
    public let key: Int64
    public let retryInterval: Duration
    public let checkInterval: Duration

    public init(store: PostgresEventStore, name: String, retryInterval: Duration = .seconds(1), checkInterval: Duration = .seconds(1)) {
        self.store = store
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ("labelledger.lease:" + store.schema.name + ":" + name).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        self.key = Int64(bitPattern: hash)
        self.retryInterval = retryInterval
        self.checkInterval = checkInterval
    }

    /// The connection holding the lock failed its check: the lease may be someone else's now.
    struct LeaseLost: Error {}

    /// Waits for the lease, runs `body` while holding it, and returns when `body` returns (the
    /// lease is released). When the lease is lost, `body` is cancelled — a `body` that makes a
    /// new run each time is called again once the lease is held again. Returns when the task
    /// is cancelled or the store closes.
    ///
    /// - Parameter body: gets no argument; it must end promptly when cancelled.
    public func run(_ body: @escaping @Sendable () async throws -> Void) async throws {
        while !Task.isCancelled, !store.isClosed {
            var finished = false
            do {
                finished = try await store.client.withConnection { connection in
                    try await hold(on: connection, body)
                }
            } catch is LeaseLost {
                store.logger.notice("lease \(key) lost; trying again")
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                store.logger.notice("lease \(key): \(String(reflecting: error))")
            }
            if finished { return }
            try? await Task.sleep(for: retryInterval)
        }
    }

    /// Tries the lock on `connection`; when it is taken, runs `body` beside a watch of the
    /// connection and releases the lock after. Returns false when another session holds it.
    private func hold(on connection: PostgresConnection, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        let logger = store.logger
        var taken = false
        for try await got in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).decode(Bool.self) {
            taken = got
        }
        guard taken else { return false }
        let outcome: Result<Void, any Error>
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    while true {
                        try await Task.sleep(for: checkInterval)
                        do {
                            _ = try await connection.query("SELECT 1", logger: logger).collect()
                        } catch {
                            throw LeaseLost()
                        }
                    }
                }
                // The first to end (body, or a failed check) ends the other.
                defer { group.cancelAll() }
                try await group.next()
            }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        // Released on this session before the connection goes back to the pool (a broken
        // connection's session is gone, and its lock with it).
        _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger).collect()
        try outcome.get()
        return true
    }
}
