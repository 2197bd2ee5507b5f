import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Moves a live generation's WAL checkpoints off the projector: SQLite's automatic
/// checkpoint runs inside the commit that crosses its threshold, so every ~1,000 pages one
/// live batch waited for pages to be copied into a 1 GB file and synced (the periodic 20–30 ms
/// spikes of the live lag at 1M samples). Installed with ``install(on:)`` on every
/// connection of the generation in place of the automatic one, its hook only notes a WAL of
/// `threshold` pages or more; a passive checkpoint then runs on a connection and a queue of its
/// own while the projector goes on committing.
///
/// Invariants: at most one checkpoint runs at a time; a commit that leaves the WAL at or
/// over the threshold starts one unless one is running (a passive one, as the automatic
/// checkpoint is: it never blocks the writer or a reader and copies what they allow; frames
/// a finishing checkpoint missed wait for the next commit, as they would have); ``close()`` waits for a running checkpoint and closes the connection before the
/// generation's files may be removed.
final class WALCheckpointer: Sendable {
    let path: String
    /// WAL pages that start a checkpoint (SQLite's default automatic threshold).
    let threshold: Int32
    private let queue: DispatchQueue
    private let running = Atomic<Bool>(false)
    private let connection = Mutex<DatabaseQueue?>(nil)
    private let closed = Atomic<Bool>(false)
    /// Checkpoints run to the end (failed or not): diagnostics and tests.
    let completed = Atomic<Int>(0)

    init(path: String, threshold: Int32 = 1_000) {
        self.path = path
        self.threshold = threshold
        queue = DispatchQueue(label: "projection.checkpoint")
    }

    /// Replaces `db`'s automatic checkpoint with this checkpointer's hook. The connection's
    /// configuration keeps the checkpointer alive as long as the connection.
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, { context, _, _, pages in
            let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context!).takeUnretainedValue()
            if pages >= checkpointer.threshold { checkpointer.request() }
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Starts a passive checkpoint unless one is running.
    func request() {
        guard !closed.load(ordering: .acquiring),
            running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        queue.async { [self] in
            defer {
                completed.add(1, ordering: .relaxed)
                running.store(false, ordering: .releasing)
            }
            connection.withLock { connection in
                guard !closed.load(ordering: .acquiring) else { return }
                do {
                    if connection == nil { connection = try DatabaseQueue(path: path) }
                    _ = try connection?.writeWithoutTransaction { try $0.checkpoint(.passive) }
                } catch {
                    // A failed passive checkpoint loses nothing: the frames stay in the WAL
                    // and the next commit over the threshold asks again.
                }
            }
        }
    }

    /// Waits for a running checkpoint, then closes the checkpoint connection for good.
    func close() {
        closed.store(true, ordering: .releasing)
        queue.sync {}
        connection.withLock { connection in
            try? connection?.close()
            connection = nil
        }
    }
}
