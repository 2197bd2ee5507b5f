/// One frame met while walking the log.
struct WalkedFrame {
    var segment: UInt64
    var segmentName: String
    var offset: UInt64
    var header: FrameHeader
    /// Header + payload; checksums already verified.
    var bytes: [UInt8]
    /// SHA-256 of `bytes`: what the next frame names as its predecessor.
    var hash: [UInt8] { BatchFrame.sha256(bytes) }

    func location() -> FrameLocation {
        FrameLocation(
            firstPosition: header.firstPosition, eventCount: UInt64(header.eventCount), segment: segment,
            offset: offset, length: UInt64(bytes.count), minRecordedAt: header.recordedAtMicros,
            maxRecordedAt: header.recordedAtMicros)
    }

    func records() throws(LogError) -> [EventRecord] {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(FrameContentError) in
                try BatchFrame.decodeRecords(
                    header: header, payload: UnsafeRawBufferPointer(rebasing: raw[FrameHeader.size...]))
            }
        }
        switch result {
        case let .success(records): return records
        case let .failure(error):
            throw .corruption(segment: segmentName, offset: offset, position: header.firstPosition, reason: error.reason)
        }
    }
}

/// Walks frames in log order across segment files, from a known frame boundary, up
/// to a committed head, checking each frame's checksums, position continuity and link
/// of the hash chain (from the second frame walked on, and at every segment header).
///
/// Bounded memory: one frame at a time. Anything that is not a valid frame before the
/// head, or does not name the SHA-256 of the frame before it, is reported as corruption
/// with its segment, offset and expected position.
struct FrameWalker {
    let directory: String
    private(set) var expectedPosition: UInt64
    var limit: UInt64
    private var segments: [UInt64]
    private var segmentIndex: Int
    private var file: SegmentFile?
    private var scanner: FrameScanner?
    private var offset: UInt64
    /// SHA-256 of the last frame walked (or named by a segment header walked); nil before the first.
    private(set) var previousHash: [UInt8]?

    /// Starts at `offset` of the segment whose first position is `segment`, where the
    /// frame starting at `position` lies (offset 64 and the segment's first position
    /// for the start of a segment).
    init(directory: String, segment: UInt64, offset: UInt64, position: UInt64, limit: UInt64) throws(LogError) {
        self.directory = directory
        self.expectedPosition = position
        self.limit = limit
        self.segments = try SegmentFile.list(directory: directory)
        self.segmentIndex = segments.firstIndex(of: segment) ?? segments.count
        self.offset = offset
    }

    mutating func next() throws(LogError) -> WalkedFrame? {
        while expectedPosition <= limit {
            if file == nil {
                if segmentIndex >= segments.count {
                    segments = try SegmentFile.list(directory: directory)
                    guard segmentIndex < segments.count else {
                        throw .corruption(
                            segment: "(missing)", offset: 0, position: expectedPosition,
                            reason: "no segment holds committed position \(expectedPosition)")
                    }
                }
                let opened = try SegmentFile(directory: directory, firstPosition: segments[segmentIndex], writable: false)
                if offset == UInt64(SegmentHeader.size) {
                    let header = try SegmentHeader.read(from: opened, expectedFirstPosition: segments[segmentIndex])
                    if let previousHash, header.previousFrameHash != previousHash {
                        throw .corruption(
                            segment: opened.name, offset: 24, position: expectedPosition,
                            reason: "hash chain broken at the segment header")
                    }
                    previousHash = header.previousFrameHash
                }
                file = opened
                scanner = try FrameScanner(file: opened)
            }
            guard let file, let currentScanner = scanner else { continue }
            var slot = try currentScanner.slot(at: offset)
            if case .frame = slot {} else {
                // The segment may have grown since its size was read: look again before judging.
                scanner = try FrameScanner(file: file)
                slot = try scanner!.slot(at: offset)
            }
            switch slot {
            case let .frame(header, bytes):
                guard header.firstPosition == expectedPosition else {
                    throw .corruption(
                        segment: file.name, offset: offset, position: expectedPosition,
                        reason: "frame starts at position \(header.firstPosition), expected \(expectedPosition)")
                }
                if let previousHash, header.previousFrameHash != previousHash {
                    throw .corruption(
                        segment: file.name, offset: offset, position: expectedPosition,
                        reason: "hash chain broken: the frame does not name the SHA-256 of the frame before it")
                }
                let frame = WalkedFrame(
                    segment: segments[segmentIndex], segmentName: file.name, offset: offset, header: header, bytes: bytes)
                previousHash = frame.hash
                offset += UInt64(bytes.count)
                expectedPosition += UInt64(header.eventCount)
                return frame
            case .end:
                segmentIndex += 1
                self.file = nil
                self.scanner = nil
                offset = UInt64(SegmentHeader.size)
                if segmentIndex >= segments.count { segments = try SegmentFile.list(directory: directory) }
                if segmentIndex < segments.count, segments[segmentIndex] != expectedPosition {
                    throw .corruption(
                        segment: SegmentFile.fileName(firstPosition: segments[segmentIndex]), offset: 0,
                        position: expectedPosition,
                        reason: "segment starts at position \(segments[segmentIndex]), expected \(expectedPosition)")
                }
            case let .torn(reason), let .corrupt(reason):
                throw .corruption(segment: file.name, offset: offset, position: expectedPosition, reason: reason)
            }
        }
        return nil
    }
}
