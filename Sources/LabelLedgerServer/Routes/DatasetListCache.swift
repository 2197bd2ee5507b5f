import NIOCore
import Synchronization

/// The last answer of `GET /v2/{project_id}/datasets` of each project, kept by the log
/// position it was made at, so that a project's list is read and written once per change of
/// the log rather than once per request.
///
/// ```swift
/// let (position, body) = try await cache.answer(project: "demo", head: queries.head) { head in
///     try await makeList(project: "demo", settledTo: head)
/// }
/// ```
///
/// Invariants:
/// - An answer made at head `h` (after the projections included `h`) is given only to a
///   request that read a head at or below `h`: no one sees a list older than the head it saw
///   (read-your-writes), and the answer's `position` is `h`, the position it shows.
/// - Requests that miss at one head wait for one making of the answer, not one each.
/// - Held answers are bounded: at most ``byteBudget`` bytes in all; an answer older than
///   the newest head seen is dropped when a newer one is made; a failed making is not kept.
///
/// Thread-safety: a `Sendable` class; its table is guarded by a mutex held only to look up
/// or replace an entry, never across an `await`.
final class DatasetListCache: Sendable {
    private struct Entry {
        var head: UInt64
        var making: Task<ByteBuffer, any Error>
        /// Which making this is (a failed one removes only itself).
        var serial: UInt64
        /// The answer's size once made (0 while it is being made).
        var bytes: Int
    }

    private struct Table {
        var entries: [String: Entry] = [:]
        var serial: UInt64 = 0
    }

    private let table = Mutex(Table())
    /// The most bytes of answers held at once.
    let byteBudget: Int

    init(byteBudget: Int = 64 << 20) {
        self.byteBudget = byteBudget
    }

    /// The project's list as of `head` or later, and the position it shows: the held answer
    /// when it was made at `head` or later, otherwise the one `make` writes (given `head`),
    /// shared by every request that misses at the same time.
    func answer(
        project: String, head: UInt64, make: @escaping @Sendable (UInt64) async throws -> ByteBuffer
    ) async throws -> (position: UInt64, body: ByteBuffer) {
        let (entry, isNew) = table.withLock { table -> (Entry, Bool) in
            if let held = table.entries[project], held.head >= head { return (held, false) }
            table.serial += 1
            let entry = Entry(head: head, making: Task { try await make(head) }, serial: table.serial, bytes: 0)
            table.entries[project] = entry
            return (entry, true)
        }
        let body: ByteBuffer
        do {
            body = try await entry.making.value
        } catch {
            table.withLock { table in
                if table.entries[project]?.serial == entry.serial { table.entries[project] = nil }
            }
            throw error
        }
        if isNew { keep(project: project, entry: entry, bytes: body.readableBytes) }
        return (entry.head, body)
    }

    /// How many answers are held (made or being made).
    var count: Int { table.withLock { $0.entries.count } }

    /// Records the size of a made answer, then drops answers older than it and, while over
    /// the budget, the oldest others; an answer alone over the budget is not kept.
    private func keep(project: String, entry: Entry, bytes: Int) {
        table.withLock { table in
            guard table.entries[project]?.serial == entry.serial else { return }
            guard bytes <= byteBudget else {
                table.entries[project] = nil
                return
            }
            table.entries[project]?.bytes = bytes
            table.entries = table.entries.filter { $0.value.head >= entry.head }
            var total = table.entries.values.reduce(0) { $0 + $1.bytes }
            while total > byteBudget, let oldest = table.entries.min(by: { ($0.value.head, $0.value.serial) < ($1.value.head, $1.value.serial) }) {
                total -= oldest.value.bytes
                table.entries[oldest.key] = nil
            }
        }
    }
}
