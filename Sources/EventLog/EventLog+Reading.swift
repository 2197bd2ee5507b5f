import Foundation

extension EventLog {
    // MARK: - Reading everything

    /// Every durable event from `position` on, in order, in bounded memory (one frame at a
    /// time). The sequence ends at the head as it is when the reader gets there.
    public func events(from position: UInt64 = 1) -> EventSequence {
        EventSequence(log: self, from: max(position, 1), live: false, whenLive: nil)
    }

    /// A catch-up subscription: every event from `position` on, then each new event as it
    /// becomes durable — no gap, no duplicate. Ends when the log closes or the task is
    /// cancelled.
    ///
    /// `whenLive` is called once per iteration, the first time the subscriber has caught up
    /// with the head and starts waiting for new commits: from then on every append is
    /// delivered live. Tests and tools synchronise on it instead of sleeping.
    public func subscribe(from position: UInt64 = 1, whenLive: (@Sendable () -> Void)? = nil) -> EventSequence {
        EventSequence(log: self, from: max(position, 1), live: true, whenLive: whenLive)
    }

    /// Up to `limit` events from `position` on (whole frames; may return slightly more
    /// than asked when a frame runs past it). For callers that apply events in batches.
    public func read(from position: UInt64, limit: Int = .max) throws(LogError) -> [RecordedEvent] {
        var reader = try FrameReader(log: self, from: max(position, 1))
        var events: [RecordedEvent] = []
        while events.count < limit, let batch = try reader.nextBatch(upTo: head) {
            events.append(contentsOf: batch)
        }
        return events
    }

    // MARK: - Reading a stream

    /// The events of one stream with version ≥ `fromVersion`, in order, in bounded memory.
    public func events(stream: String, fromVersion: UInt64 = 1) -> StreamEventSequence {
        StreamEventSequence(log: self, stream: stream, fromVersion: max(fromVersion, 1))
    }

    /// All events of one stream with version ≥ `fromVersion`.
    public func read(stream: String, fromVersion: UInt64 = 1) throws(LogError) -> [RecordedEvent] {
        var iterator = StreamEventSequence.Iterator(log: self, stream: stream, nextVersion: max(fromVersion, 1))
        var events: [RecordedEvent] = []
        while let event = try iterator.nextSync() { events.append(event) }
        return events
    }

    /// The global position of a stream's event at `version`, or nil if the stream has no such
    /// durable event. Lets a caller check that something derived from the stream (a
    /// snapshot, a checkpoint) still describes this very log.
    public func position(ofStream stream: String, version: UInt64) throws(LogError) -> UInt64? {
        guard version > 0 else { return nil }
        let found = try index.positions(stream: stream, fromVersion: version, limit: 1)
        return found.first.flatMap { $0.version == version ? $0.position : nil }
    }

    // MARK: - Time

    /// The last position recorded at or before `date`, or 0 when the log has nothing that old.
    public func position(at date: Date) throws(LogError) -> UInt64 {
        let micros = date.micros
        guard let location = try index.lastFrame(startingAtOrBefore: micros) else { return 0 }
        if location.maxRecordedAt <= micros { return location.lastPosition }
        let records = try loadFrame(location)
        return records.last(where: { $0.recordedAtMicros <= micros })?.position ?? location.firstPosition - 1
    }

    /// The records of the frame at `location`, checksummed.
    func loadFrame(_ location: FrameLocation) throws(LogError) -> [EventRecord] {
        let file = try SegmentFile(directory: path, firstPosition: location.segment, writable: false)
        let scanner = try FrameScanner(file: file)
        switch try scanner.slot(at: location.offset) {
        case let .frame(header, bytes):
            guard header.firstPosition == location.firstPosition else {
                throw .corruption(
                    segment: file.name, offset: location.offset, position: location.firstPosition,
                    reason: "frame starts at position \(header.firstPosition), the index says \(location.firstPosition)")
            }
            return try WalkedFrame(
                segment: location.segment, segmentName: file.name, offset: location.offset, header: header, bytes: bytes
            ).records()
        case .end:
            throw .corruption(
                segment: file.name, offset: location.offset, position: location.firstPosition,
                reason: "the file ends where the index places a frame")
        case let .torn(reason), let .corrupt(reason):
            throw .corruption(segment: file.name, offset: location.offset, position: location.firstPosition, reason: reason)
        }
    }
}

/// Reads committed frames in order from a position, one frame per call, checking every
/// link of the hash chain it walks (``FrameWalker``) and, at the head, the frame against
/// the head anchored in the stream index.
struct FrameReader {
    let log: EventLog
    private(set) var nextPosition: UInt64
    private var walker: FrameWalker?

    init(log: EventLog, from position: UInt64) throws(LogError) {
        self.log = log
        self.nextPosition = position
    }

    /// The events of the next frame at or after `nextPosition` up to `head`, or nil when
    /// `nextPosition > head`.
    mutating func nextBatch(upTo head: UInt64) throws(LogError) -> [RecordedEvent]? {
        guard nextPosition <= head else { return nil }
        if walker == nil {
            if let location = try log.index.frame(containing: nextPosition) {
                walker = try FrameWalker(
                    directory: log.path, segment: location.segment, offset: location.offset,
                    position: location.firstPosition, limit: head)
            } else {
                // An index that lags the log (a read-only open after a crash, or none at all):
                // walk from the start of the segment holding the position.
                guard let segment = try SegmentFile.list(directory: log.path).last(where: { $0 <= nextPosition }) else {
                    throw .index(reason: "no segment holds committed position \(nextPosition)")
                }
                walker = try FrameWalker(
                    directory: log.path, segment: segment, offset: UInt64(SegmentHeader.size), position: segment, limit: head)
            }
        }
        walker!.limit = head
        guard let frame = try walker!.next() else { return nil }
        if frame.header.lastPosition == head, let anchor = try log.index.meta(), anchor.headPosition == head,
            let reason = LogVerifier.anchorMismatch(anchor, frame.header, walker!.previousHash ?? frame.hash)
        {
            throw .corruption(segment: frame.segmentName, offset: frame.offset, position: frame.header.firstPosition, reason: reason)
        }
        let records = try frame.records()
        var events: [RecordedEvent] = []
        events.reserveCapacity(records.count)
        for record in records where record.position >= nextPosition {
            events.append(RecordedEvent(record: record))
        }
        nextPosition = frame.header.lastPosition + 1
        return events
    }
}

/// Events of the whole log in order; see ``EventLog/events(from:)`` and ``EventLog/subscribe(from:)``.
public struct EventSequence: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent
    let log: EventLog
    let from: UInt64
    let live: Bool
    let whenLive: (@Sendable () -> Void)?

    public func makeAsyncIterator() -> Iterator {
        Iterator(log: log, nextPosition: from, live: live, whenLive: whenLive)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let log: EventLog
        let live: Bool
        /// Called (then dropped) the first time the iterator waits at the head.
        var whenLive: (@Sendable () -> Void)?
        var reader: FrameReader?
        var nextPosition: UInt64
        var buffer: [RecordedEvent] = []
        var bufferIndex = 0

        init(log: EventLog, nextPosition: UInt64, live: Bool, whenLive: (@Sendable () -> Void)? = nil) {
            self.log = log
            self.nextPosition = nextPosition
            self.live = live
            self.whenLive = whenLive
        }

        public mutating func next() async throws -> RecordedEvent? {
            while bufferIndex >= buffer.count {
                if Task.isCancelled { return nil }
                if reader == nil { reader = try FrameReader(log: log, from: nextPosition) }
                if let batch = try reader!.nextBatch(upTo: log.head) {
                    buffer = batch
                    bufferIndex = 0
                    continue
                }
                guard live, !log.isClosed else { return nil }
                if let signal = whenLive {
                    whenLive = nil
                    signal()
                }
                await log.waitForCommit(after: nextPosition - 1)
                if log.isClosed && log.head < nextPosition { return nil }
            }
            let event = buffer[bufferIndex]
            bufferIndex += 1
            nextPosition = event.position + 1
            return event
        }
    }
}

/// The events of one stream in order; see ``EventLog/events(stream:fromVersion:)``.
public struct StreamEventSequence: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent
    let log: EventLog
    let stream: String
    let fromVersion: UInt64

    public func makeAsyncIterator() -> Iterator {
        Iterator(log: log, stream: stream, nextVersion: fromVersion)
    }

    public struct Iterator: AsyncIteratorProtocol {
        static let chunk = 1024
        let log: EventLog
        let stream: String
        var nextVersion: UInt64
        var positions: [(version: UInt64, position: UInt64)] = []
        var positionIndex = 0
        var frame: (location: FrameLocation, records: [EventRecord])?

        init(log: EventLog, stream: String, nextVersion: UInt64) {
            self.log = log
            self.stream = stream
            self.nextVersion = nextVersion
        }

        public mutating func next() async throws -> RecordedEvent? {
            try nextSync()
        }

        /// The next event without suspending (reads happen synchronously on the caller's thread).
        public mutating func nextSync() throws(LogError) -> RecordedEvent? {
            if positionIndex >= positions.count {
                positions = try log.index.positions(stream: stream, fromVersion: nextVersion, limit: Self.chunk)
                positionIndex = 0
                if positions.isEmpty { return nil }
            }
            let (version, position) = positions[positionIndex]
            positionIndex += 1
            if frame == nil || !(frame!.location.firstPosition...frame!.location.lastPosition).contains(position) {
                guard let location = try log.index.frame(containing: position) else {
                    throw .index(reason: "no indexed frame holds position \(position)")
                }
                frame = (location, try log.loadFrame(location))
            }
            let record = frame!.records[Int(position - frame!.location.firstPosition)]
            guard record.streamID == stream, record.streamVersion == version else {
                throw .index(reason: "position \(position) holds \(record.streamID)@\(record.streamVersion), the index says \(stream)@\(version)")
            }
            nextVersion = version + 1
            return RecordedEvent(record: record)
        }
    }
}
