import Foundation

/// Writes commit groups at the end of the last segment, rolling to a new segment when
/// the current one has reached its size limit.
///
/// Confined to the log's writer queue (hence `@unchecked Sendable`): only that queue
/// touches `file`, `size` and `lastHash`.
final class SegmentWriter: @unchecked Sendable {
    let directory: String
    let configuration: EventLogConfiguration
    private(set) var file: SegmentFile
    private(set) var size: UInt64
    /// SHA-256 of the last durable frame (the next frame's `previousFrameHash`).
    private(set) var lastHash: [UInt8]

    init(directory: String, configuration: EventLogConfiguration, tail: LogTail) throws(LogError) {
        self.directory = directory
        self.configuration = configuration
        self.file = try SegmentFile(directory: directory, firstPosition: tail.lastSegment, writable: true)
        self.size = tail.lastSegmentSize
        self.lastHash = tail.lastHash
    }

    /// Writes one commit group (records in position order) as one or more frames with a
    /// single `pwrite`, then syncs under the `.fsync` and `.batch` policies.
    ///
    /// On failure the segment is cut back to its previous end, so that a group is
    /// either wholly present or absent, and the error is rethrown.
    /// - Returns: the frames written, for the stream index, and the segment first
    ///   position if a new segment was started.
    func write(group records: [EventRecord]) throws(LogError) -> (frames: [FrameLocation], newSegment: UInt64?) {
        precondition(!records.isEmpty)
        var newSegment: UInt64?
        if size >= configuration.segmentSizeLimit {
            let first = records[0].position
            file = try LogRecovery.createSegment(directory: directory, firstPosition: first, previousHash: lastHash)
            size = UInt64(SegmentHeader.size)
            newSegment = first
        }
        var encoded: [[UInt8]] = []
        encoded.reserveCapacity(records.count)
        for record in records {
            // Serializing a populated EventRecord cannot fail.
            encoded.append(try! record.serializedBytes())
        }
        var bytes: [UInt8] = []
        var frames: [FrameLocation] = []
        var hash = lastHash
        var start = 0
        while start < encoded.count {
            var end = start
            var frameBytes = 0
            var minTime = Int64.max
            var maxTime = Int64.min
            while end < encoded.count, end == start || frameBytes + encoded[end].count <= BatchFrame.targetUncompressedBytes {
                frameBytes += encoded[end].count
                minTime = min(minTime, records[end].recordedAtMicros)
                maxTime = max(maxTime, records[end].recordedAtMicros)
                end += 1
            }
            let frame = BatchFrame.build(
                encodedRecords: encoded[start..<end], firstPosition: records[start].position,
                recordedAtMicros: maxTime, continued: end < encoded.count, previousHash: hash)
            frames.append(FrameLocation(
                firstPosition: records[start].position, eventCount: UInt64(end - start), segment: file.firstPosition,
                offset: size + UInt64(bytes.count), length: UInt64(frame.bytes.count), minRecordedAt: minTime,
                maxRecordedAt: maxTime))
            bytes.append(contentsOf: frame.bytes)
            hash = frame.hash
            start = end
        }
        do {
            try file.write(bytes, at: size)
            if configuration.durability != .none { try file.sync() }
        } catch {
            try? file.truncate(to: size)
            throw error
        }
        size += UInt64(bytes.count)
        lastHash = hash
        return (frames, newSegment)
    }
}
