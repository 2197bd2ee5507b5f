import DatasetInterchange
import Dispatch
import Synchronization

/// Hands a streamed export's chunks from the thread that makes them to the task that sends
/// them, at most ``capacity`` chunks waiting: the maker blocks (on its own thread, never a
/// thread of the cooperative pool) until the reader has taken one, so an export's memory is
/// bounded by the reader's pace, not by the dataset's size.
///
/// Invariants: chunks arrive in the order they were sent, each once; after ``abandon()``
/// (the reader went away or was cancelled) the maker's next ``send(_:)`` throws
/// ``DatasetInterchange/InterchangeError/exportAbandoned(reason:)`` instead of blocking, so
/// its thread ends; the end (or the maker's error) reaches the reader after every chunk.
final class ExportChunkHandoff: Sendable {
    private struct State {
        var chunks: [[UInt8]] = []
        var end: Result<Void, InterchangeError>?
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
        var abandoned = false
        var produced: UInt64 = 0
    }

    /// Chunks that may wait for the reader.
    let capacity: Int
    private let state = Mutex(State())
    /// One permit per free place among the ``capacity``.
    private let space: DispatchSemaphore

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        space = DispatchSemaphore(value: self.capacity)
    }

    /// libdispatch traps when a semaphore is freed with fewer permits than it was made with
    /// (here: chunks dropped by ``abandon()`` or left unread never gave theirs back); topping it
    /// up first makes any end of an export safe.
    deinit {
        for _ in 0..<capacity { space.signal() }
    }

    /// Bytes sent so far (waiting or taken).
    var bytesProduced: UInt64 { state.withLock { $0.produced } }

    // MARK: - The maker's side (its own thread)

    /// Passes `chunk` on; blocks while ``capacity`` chunks wait.
    func send(_ chunk: [UInt8]) throws(InterchangeError) {
        guard !state.withLock({ $0.abandoned }) else { throw Self.abandonment }
        space.wait()
        enum Next { case abandoned, queued, resume(CheckedContinuation<[UInt8]?, any Error>) }
        let next = state.withLock { state -> Next in
            guard !state.abandoned else { return .abandoned }
            state.produced += UInt64(chunk.count)
            guard let waiter = state.waiter else {
                state.chunks.append(chunk)
                return .queued
            }
            state.waiter = nil
            return .resume(waiter)
        }
        switch next {
        case .abandoned:
            throw Self.abandonment
        case .queued:
            break
        case let .resume(waiter):
            // Taken at once: its place is free again.
            space.signal()
            waiter.resume(returning: chunk)
        }
    }

    /// The maker is done (`error` nil) or failed.
    func finish(_ error: InterchangeError?) {
        let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
            state.end = error.map { .failure($0) } ?? .success(())
            guard state.chunks.isEmpty else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        guard let waiter else { return }
        if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
    }

    // MARK: - The reader's side

    /// The next chunk, nil at the end; rethrows the maker's error. Cancelling the waiting
    /// task abandons the export; after ``abandon()`` it always throws `CancellationError`.
    func next() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                enum Now { case chunk([UInt8]), end(Result<Void, InterchangeError>), abandoned, wait }
                let now = state.withLock { state -> Now in
                    // Abandoned first: once the reader stopped, it gets CancellationError
                    // whether or not the maker has noticed (and ended with exportAbandoned).
                    if state.abandoned { return .abandoned }
                    if !state.chunks.isEmpty { return .chunk(state.chunks.removeFirst()) }
                    if let end = state.end { return .end(end) }
                    state.waiter = continuation
                    return .wait
                }
                switch now {
                case let .chunk(chunk):
                    space.signal()
                    continuation.resume(returning: chunk)
                case .end(.success):
                    continuation.resume(returning: nil)
                case let .end(.failure(error)):
                    continuation.resume(throwing: error)
                case .abandoned:
                    continuation.resume(throwing: CancellationError())
                case .wait:
                    break
                }
            }
        } onCancel: {
            abandon()
        }
    }

    /// The reader stops: chunks waiting are dropped, the maker stops at its next chunk.
    func abandon() {
        let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
            guard !state.abandoned else { return nil }
            state.abandoned = true
            state.chunks.removeAll()
            defer { state.waiter = nil }
            return state.waiter
        }
        // Wakes a maker blocked for a place.
        space.signal()
        waiter?.resume(throwing: CancellationError())
    }

    private static let abandonment = InterchangeError.exportAbandoned(reason: "its reader stopped reading")
}
