import Dispatch
import Foundation
import Synchronization

extension EventLog {
    /// Reads every durable event from `position` through `last` (the head when nil) frame by
    /// frame, decoding frames on up to `concurrency` threads at once, and hands each frame's
    /// decoded value to `consume` in log order on the caller's thread.
    ///
    /// Frames are independent once their checksums and chain link are checked, so only the
    /// walk — reading, both checksums, the hash chain, the head's anchor, exactly as
    /// ``events(from:)`` checks them — is sequential; LZ4, the records' protobuf and `decode`
    /// run in parallel, a window of `2 × concurrency` frames at a time.
    ///
    /// ```swift
    /// try log.readFrames(decode: { events in try events.map(MyEvent.init) }) { decoded in … }
    /// ```
    ///
    /// Invariants: `consume` sees each event in `position...last` exactly once, in order, and
    /// never an event of a frame that failed its checks (the first failure is thrown after the
    /// frames before it were consumed, before any after it); memory holds at most one window
    /// of frames and their decoded values. `decode` gets the events of one frame, in order,
    /// those before `position` left out. Blocks the calling thread (and `concurrency − 1`
    /// others) until done: call it from a thread of its own, not from the cooperative pool.
    ///
    /// - Throws: ``LogError`` for the log's bytes; whatever `decode` or `consume` throws.
    public func readFrames<Decoded: Sendable>(
        from position: UInt64 = 1, through last: UInt64? = nil,
        concurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        decode: @Sendable ([RecordedEvent]) throws -> Decoded,
        consume: (Decoded) throws -> Void
    ) throws {
        let start = max(position, 1)
        let limit = min(last ?? head, head)
        guard start <= limit else { return }
        var walker = try frameWalker(from: start, limit: limit)
        let window = max(1, concurrency) * 2
        var frames: [WalkedFrame] = []
        frames.reserveCapacity(window)
        var walkFailure: (any Error)?
        while walkFailure == nil {
            frames.removeAll(keepingCapacity: true)
            do {
                while frames.count < window, let frame = try walker.next() {
                    try checkHeadAnchor(frame, limit: limit)
                    frames.append(frame)
                }
            } catch {
                walkFailure = error
            }
            if frames.isEmpty { break }
            let results = ParallelResults<Decoded>(count: frames.count)
            let walked = frames
            DispatchQueue.concurrentPerform(iterations: walked.count) { i in
                results.set(i, Result { () throws -> Decoded in
                    let records = try walked[i].records()
                    var events: [RecordedEvent] = []
                    events.reserveCapacity(records.count)
                    for record in records where record.position >= start {
                        events.append(RecordedEvent(record: record))
                    }
                    return try decode(events)
                })
            }
            for result in results.take() { try consume(try result.get()) }
        }
        if let walkFailure { throw walkFailure }
    }

    /// A walker positioned at the frame holding `position`: found through the stream
    /// index, or — when the index lags the log (a read-only open after a crash, or none at
    /// all) — from the start of the segment holding it.
    func frameWalker(from position: UInt64, limit: UInt64) throws(LogError) -> FrameWalker {
        if let location = try index.frame(containing: position) {
            return try FrameWalker(
                directory: path, segment: location.segment, offset: location.offset,
                position: location.firstPosition, limit: limit)
        }
        guard let segment = try SegmentFile.list(directory: path).last(where: { $0 <= position }) else {
            throw .index(reason: "no segment holds committed position \(position)")
        }
        return try FrameWalker(
            directory: path, segment: segment, offset: UInt64(SegmentHeader.size), position: segment, limit: limit)
    }

    /// Checks the frame ending at the head against the head anchored in the stream index.
    func checkHeadAnchor(_ frame: WalkedFrame, limit: UInt64) throws(LogError) {
        guard frame.header.lastPosition == limit, let anchor = try index.meta(), anchor.headPosition == limit,
            let reason = LogVerifier.anchorMismatch(anchor, frame.header, frame.hash)
        else { return }
        throw .corruption(segment: frame.segmentName, offset: frame.offset, position: frame.header.firstPosition, reason: reason)
    }
}

/// One result slot per frame of a window, written by `concurrentPerform`'s threads (each
/// slot by exactly one of them) and read once all have returned.
private final class ParallelResults<Value: Sendable>: Sendable {
    private let slots: Mutex<[Result<Value, any Error>?]>

    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    func set(_ index: Int, _ value: Result<Value, any Error>) {
        slots.withLock { $0[index] = value }
    }

    /// Every slot, in order; call after the writers have returned.
    func take() -> [Result<Value, any Error>] {
        slots.withLock { $0.map { $0! } }
    }
}
