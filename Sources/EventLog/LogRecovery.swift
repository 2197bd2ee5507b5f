import Foundation

/// What opening the log found and repaired.
public struct RecoveryReport: Sendable, Equatable {
    /// Bytes cut from the end of the last segment: a torn tail that was never acknowledged.
    public var truncatedBytes: UInt64 = 0
    /// The segment that was cut, and why.
    public var truncatedSegment: String?
    public var truncationReason: String?
    /// The first position that was cut (it was never acknowledged to any appender).
    public var firstTruncatedPosition: UInt64?
    /// A segment file that was removed because its creation never completed.
    public var removedIncompleteSegment: String?
    /// True when the stream index was missing or stale and was rebuilt from the segments.
    public var indexRebuilt = false
    /// Events the index had to catch up on from the segments.
    public var indexCaughtUpEvents = 0

    public init() {}
}

/// The end of the log as found on open.
struct LogTail {
    var segments: [UInt64]
    var lastSegment: UInt64
    /// Size of the last segment after any truncation.
    var lastSegmentSize: UInt64
    var head: UInt64
    var lastHash: [UInt8]
    var lastRecordedAt: Int64
    var report: RecoveryReport
}

/// Scans the last segment on open: checks every frame and the hash chain, finds the
/// end of the last whole commit group, and (when writable) truncates what follows.
///
/// A torn tail — the file ends inside a frame, only zero bytes follow, or the last
/// commit group has no final frame — holds only bytes that were never acknowledged
/// and is cut. Anything else that fails a check is corruption: the scan throws
/// ``LogError/corruption(segment:offset:position:reason:)`` and the log does not open.
enum LogRecovery {
    static func scanTail(directory: String, writable: Bool) throws(LogError) -> LogTail {
        var report = RecoveryReport()
        var segments = try SegmentFile.list(directory: directory)
        while true {
            guard let last = segments.last else {
                guard writable else {
                    return LogTail(
                        segments: [], lastSegment: 1, lastSegmentSize: 0, head: 0, lastHash: BatchFrame.zeroHash,
                        lastRecordedAt: 0, report: report)
                }
                try createSegment(directory: directory, firstPosition: 1, previousHash: BatchFrame.zeroHash)
                segments = [1]
                continue
            }
            let file = try SegmentFile(directory: directory, firstPosition: last, writable: writable)
            let size = try file.size()
            if size < UInt64(SegmentHeader.size) {
                // A segment whose creation never completed (its header is not even whole).
                // Read-only, beside a writer that is creating it, it is the end of the log.
                if !writable, segments.count > 1 {
                    segments.removeLast()
                    continue
                }
                guard writable else {
                    throw .corruption(
                        segment: file.name, offset: 0, position: last,
                        reason: "segment is \(size) bytes, shorter than its header")
                }
                if unlink(file.path) != 0 { throw .io(operation: "unlink", path: file.path, errno: errno) }
                try SegmentFile.syncDirectory(directory)
                report.removedIncompleteSegment = file.name
                segments.removeLast()
                continue
            }
            let header = try SegmentHeader.read(from: file, expectedFirstPosition: last)
            return try scanFrames(
                file: file, header: header, segments: segments, writable: writable, report: report)
        }
    }

    private static func scanFrames(
        file: SegmentFile, header: SegmentHeader, segments: [UInt64], writable: Bool, report: RecoveryReport
    ) throws(LogError) -> LogTail {
        var report = report
        let scanner = try FrameScanner(file: file)
        var offset = UInt64(SegmentHeader.size)
        var expected = header.firstPosition
        var previousHash = header.previousFrameHash
        // The end of the last whole commit group.
        var complete = (offset: offset, head: header.firstPosition - 1, hash: previousHash, recordedAt: Int64(0))
        var tornReason: String?
        scan: while true {
            switch try scanner.slot(at: offset) {
            case let .frame(frameHeader, bytes):
                guard frameHeader.firstPosition == expected else {
                    throw .corruption(
                        segment: file.name, offset: offset, position: expected,
                        reason: "frame starts at position \(frameHeader.firstPosition), expected \(expected)")
                }
                guard frameHeader.previousFrameHash == previousHash else {
                    throw .corruption(
                        segment: file.name, offset: offset, position: expected,
                        reason: "hash chain broken: the frame does not name the SHA-256 of the frame before it")
                }
                guard frameHeader.eventCount > 0 else {
                    throw .corruption(segment: file.name, offset: offset, position: expected, reason: "empty frame")
                }
                previousHash = BatchFrame.sha256(bytes)
                offset += UInt64(bytes.count)
                expected += UInt64(frameHeader.eventCount)
                if !frameHeader.isContinued {
                    complete = (offset, expected - 1, previousHash, frameHeader.recordedAtMicros)
                }
            case .end:
                if complete.offset < offset { tornReason = "the last commit group has no final frame" }
                break scan
            case let .torn(reason):
                tornReason = reason
                break scan
            case let .corrupt(reason):
                throw .corruption(segment: file.name, offset: offset, position: expected, reason: reason)
            }
        }
        var size = scanner.fileSize
        if complete.offset < size {
            report.truncatedBytes = size - complete.offset
            report.truncatedSegment = file.name
            report.truncationReason = tornReason
            report.firstTruncatedPosition = complete.head + 1
            if writable {
                try file.truncate(to: complete.offset)
                try file.sync()
                size = complete.offset
            }
        }
        return LogTail(
            segments: segments, lastSegment: header.firstPosition, lastSegmentSize: size, head: complete.head,
            lastHash: complete.hash, lastRecordedAt: complete.recordedAt, report: report)
    }

    /// Checks the whole log before a writable open (after ``scanTail(directory:writable:)``
    /// cut any torn tail): every segment header, both checksums of every frame, positions,
    /// every link of the hash chain across segments, and the head anchored in the stream
    /// index. Records are not decoded: the checksums and the chain pin every byte.
    ///
    /// A log that extends past its anchor is whole (the process stopped between a sync and
    /// the index write); one that ends before it has lost acknowledged events.
    /// `limit`: nil after a writable scan (nothing follows the head); the head for a
    /// read-only open, which leaves a torn tail in place and does not read it.
    static func checkChain(directory: String, tail: LogTail, anchor: StreamIndex.Meta?, upTo limit: UInt64?) throws(LogError) {
        if let anchor, anchor.headPosition > tail.head {
            throw .missingAcknowledgedEvents(logHead: tail.head, indexedHead: anchor.headPosition)
        }
        let report = try LogVerifier.verify(directory: directory, upTo: limit, anchor: anchor, decodeRecords: false)
        guard let problem = report.problem else { return }
        if problem.kind == .missingEvents, let anchor {
            throw .missingAcknowledgedEvents(logHead: report.verifiedHead, indexedHead: anchor.headPosition)
        }
        throw .corruption(segment: problem.segment, offset: problem.offset, position: problem.position, reason: problem.reason)
    }

    /// Creates a segment file holding only its header, durably (file and directory synced).
    @discardableResult
    static func createSegment(directory: String, firstPosition: UInt64, previousHash: [UInt8]) throws(LogError)
        -> SegmentFile
    {
        let file = try SegmentFile(directory: directory, firstPosition: firstPosition, writable: true, create: true)
        try file.write(SegmentHeader(firstPosition: firstPosition, previousFrameHash: previousHash).encoded(), at: 0)
        try file.sync()
        try SegmentFile.syncDirectory(directory)
        return file
    }
}
