import Dispatch
import EventLog
import Foundation
import LabelingDomain
import Synchronization

/// Reads and decodes the log's batches on a thread of its own, a few batches ahead of
/// the rebuild that applies them: LZ4, CRC and protobuf work on one core while SQLite
/// works on the other.
///
/// ```swift
/// let batches = DecodedBatches(log: log, upTo: target, batchSize: 50_000)
/// defer { batches.stop() }
/// while let batch = try batches.next() { … }
/// ```
///
/// Invariants: batches arrive in log order, each event exactly once, up to `target`
/// inclusive; at most `capacity` decoded batches wait in memory; a read or decode error
/// is delivered in order, after the batches before it; ``stop()`` (also on the consumer's
/// error path) ends the reader thread without waiting for it.
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
            var reached: UInt64 = 0
            while reached < target, !stopped.load(ordering: .relaxed) {
                let item: Result<Batch, ProjectionError>
                do {
                    let events = try log.read(from: reached + 1, limit: batchSize).prefix { $0.position <= target }
                    guard let last = events.last else { break }
                    reached = last.position
                    item = .success(try Projector.decode(Array(events)))
                } catch let error as ProjectionError {
                    item = .failure(error)
                } catch {
                    item = .failure(.log(reason: "\(error)"))
                }
                guard put(item) else { return }
                if case .failure = item { return }
            }
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
