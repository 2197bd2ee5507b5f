/// Keeps the stream index in step with the segments when the log opens.
///
/// The index is derived data: if it is missing, from another schema, or its frames do
/// not place its head (its head itself, the chain's anchor, was checked against the log
/// by ``LogRecovery/checkChain(directory:tail:anchor:)`` before), it is rebuilt from
/// position 1; if it is merely behind (the process died between a sync and the index
/// write), it catches up from its head. Either way every frame read is checksummed and
/// the hash chain checked.
enum IndexMaintenance {
    /// Events per index transaction while catching up.
    static let batchEvents = 100_000

    static func bringUpToDate(index: StreamIndex, directory: String, tail: inout LogTail) throws(LogError) {
        guard let firstSegment = tail.segments.first else { return }
        var start = (segment: firstSegment, offset: UInt64(SegmentHeader.size), position: firstSegment, hash: BatchFrame.zeroHash)
        var rebuild = true
        if let meta = try index.meta(), meta.headPosition > 0 {
            if meta.headPosition > tail.head {
                throw .missingAcknowledgedEvents(logHead: tail.head, indexedHead: meta.headPosition)
            }
            if let location = try index.frame(containing: meta.headPosition), location.lastPosition == meta.headPosition,
                try hash(of: location, directory: directory) == meta.headHash
            {
                start = (location.segment, location.offset + location.length, meta.headPosition + 1, meta.headHash)
                rebuild = false
                tail.lastRecordedAt = max(tail.lastRecordedAt, location.maxRecordedAt)
            }
        } else if tail.head == 0 {
            rebuild = false
        }
        if rebuild {
            try index.reset()
            tail.report.indexRebuilt = true
        }
        if start.position <= tail.head {
            // A segment may end exactly where the index's head frame ends.
            var walker = try FrameWalker(
                directory: directory, segment: start.segment, offset: start.offset, position: start.position,
                limit: tail.head)
            var previousHash = start.hash
            var frames: [FrameLocation] = []
            var events: [IndexedEvent] = []
            while let frame = try walker.next() {
                // The walker checks the links from its second frame on; the first is checked here.
                if frame.header.firstPosition == start.position, frame.header.previousFrameHash != previousHash {
                    throw .corruption(
                        segment: frame.segmentName, offset: frame.offset, position: frame.header.firstPosition,
                        reason: "hash chain broken: the frame does not name the SHA-256 of the frame before it")
                }
                previousHash = walker.previousHash ?? frame.hash
                var location = frame.location()
                let records = try frame.records()
                location.minRecordedAt = records.map(\.recordedAtMicros).min() ?? location.minRecordedAt
                frames.append(location)
                for record in records {
                    events.append(IndexedEvent(
                        position: record.position, streamID: record.streamID, streamVersion: record.streamVersion,
                        commandID: record.commandID))
                }
                tail.lastRecordedAt = max(tail.lastRecordedAt, location.maxRecordedAt)
                if events.count >= batchEvents || walker.expectedPosition > tail.head {
                    tail.report.indexCaughtUpEvents += events.count
                    try index.record(
                        frames: frames, events: events,
                        head: StreamIndex.Meta(headPosition: walker.expectedPosition - 1, headHash: previousHash))
                    frames.removeAll(keepingCapacity: true)
                    events.removeAll(keepingCapacity: true)
                }
            }
        }
        try checkSealedSegments(index: index, directory: directory, tail: tail)
    }

    /// Every segment before the last must end exactly where its last indexed frame ends:
    /// a shorter or longer file is corruption (a truncation or an append by someone else).
    private static func checkSealedSegments(index: StreamIndex, directory: String, tail: LogTail) throws(LogError) {
        for segment in tail.segments.dropLast() {
            let file = try SegmentFile(directory: directory, firstPosition: segment, writable: false)
            let size = try file.size()
            guard let last = try index.lastFrame(inSegment: segment) else {
                throw .corruption(
                    segment: file.name, offset: UInt64(SegmentHeader.size), position: segment,
                    reason: "a sealed segment holds no indexed frame")
            }
            let end = last.offset + last.length
            if size != end {
                throw .corruption(
                    segment: file.name, offset: min(size, end), position: size < end ? last.firstPosition : last.lastPosition + 1,
                    reason: "sealed segment is \(size) bytes but its frames end at byte \(end)")
            }
        }
    }

    static func hash(of location: FrameLocation, directory: String) throws(LogError) -> [UInt8] {
        let file = try SegmentFile(directory: directory, firstPosition: location.segment, writable: false)
        let bytes = try file.read(at: location.offset, count: Int(location.length))
        return BatchFrame.sha256(bytes)
    }
}
