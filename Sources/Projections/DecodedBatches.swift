import Dispatch
import EventLog
import Foundation
import LabelingDomain
import Synchronization

/// Reads and decodes the log's batches on a thread of its own, a few batches ahead of
/// the rebuild that applies them: the walk (reads, CRCs, hash chain) on that thread, and
/// LZ4, records and protobuf decoding of a window of frames on every core
/// (``EventLog/EventLog/readFrames(from:through:concurrency:decode:consume:)``: frames are
/// independent once walked), while SQLite works on the shadows' threads.
///
/// ```swift
/// let batches = DecodedBatches(log: log, upTo: target, batchSize: 50_000)
/// defer { batches.stop() }
/// while let batch = try batches.next() { … }
/// ```
///
/// Invariants: batches arrive in log order, each event exactly once, up to `target`
/// inclusive, each of at least `batchSize` events but the last (whole frames: a batch ends
/// at a frame's end); at most `capacity` decoded batches wait in memory; a read or decode
/// error is delivered in order, after the batches before it; ``stop()`` (also on the
/// consumer's error path) ends the reader thread without waiting for it.
final class DecodedBatches: Sendable {
    typealias Batch = [Projector.Decoded]

    private let queue = Mutex<[Result<Batch, ProjectionError>]>([])
    /// Counts batches waiting in `queue`.
    private let filled = DispatchSemaphore(value: 0)
    /// Counts free places in `queue`.
    private let free: DispatchSemaphore
    private let stopped = Atomic<Bool>(false)

    init(log: EventLog, upTo target: UInt64, batchSize: Int, capacity: Int = 2) {
        free = DispatchSemaphore(value: capacity)
        Thread.detachNewThread { [self] in
            /// Thrown out of `readFrames` once the consumer stopped.
            struct Stopped: Error {}
            var pending: Batch = []
            do {
                // The frame holding `target` is handed over whole: the events after it are left out here.
                try log.readFrames(through: target, decode: { try Projector.decode(Array($0.prefix { $0.position <= target })) }) {
                    decoded in
                    if pending.isEmpty { pending.reserveCapacity(batchSize + decoded.count) }
                    pending.append(contentsOf: decoded)
                    guard pending.count >= batchSize else { return }
                    guard put(.success(pending)) else { throw Stopped() }
                    pending = []
                }
            } catch is Stopped {
                return
            } catch {
                // The batches before the failure first, then the failure.
                if !pending.isEmpty { guard put(.success(pending)) else { return } }
                _ = put(.failure(error as? ProjectionError ?? .log(reason: "\(error)")))
                return
            }
            if !pending.isEmpty { guard put(.success(pending)) else { return } }
            _ = put(.success([]))  // the end
        }
    }

    /// The next batch in log order; nil after the last one.
    func next() throws(ProjectionError) -> Batch? {
        filled.wait()
        let item = queue.withLock { $0.removeFirst() }
        free.signal()
        let batch = try item.get()
        return batch.isEmpty ? nil : batch
    }

    /// Ends reading; batches not taken yet are dropped.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        free.signal()
    }

    /// Waits for a free place; false once stopped.
    private func put(_ item: Result<Batch, ProjectionError>) -> Bool {
        while free.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            if stopped.load(ordering: .relaxed) { return false }
        }
        if stopped.load(ordering: .relaxed) { return false }
        queue.withLock { $0.append(item) }
        filled.signal()
        return true
    }
}
