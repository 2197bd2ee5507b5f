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

    /// Writes one commit group (records in position order) as one or more frames, then
    /// syncs once under the `.fsync` and `.batch` policies.
    ///
    /// Frames are encoded and written one at a time: besides the group's records, memory
    /// holds one frame, whatever the group's size (a large import is one group of many
    /// events). Every frame but the last carries the *continued* flag, so a crash part-way
    /// leaves a torn group that recovery cuts whole.
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
        var frames: [FrameLocation] = []
        var hash = lastHash
        var written: UInt64 = 0
        do {
            // The first record that did not fit the previous frame, already serialized.
            var carried: [UInt8]?
            var start = 0
            while start < records.count {
                var encoded: [[UInt8]] = []
                var frameBytes = 0
                var minTime = Int64.max
                var maxTime = Int64.min
                var end = start
                while end < records.count {
                    // Serializing a populated EventRecord cannot fail.
                    let record = carried ?? (try! records[end].serializedBytes() as [UInt8])
                    carried = nil
                    if end > start, frameBytes + record.count > BatchFrame.targetUncompressedBytes {
                        carried = record
                        break
                    }
                    encoded.append(record)
                    frameBytes += record.count
                    minTime = min(minTime, records[end].recordedAtMicros)
                    maxTime = max(maxTime, records[end].recordedAtMicros)
                    end += 1
                }
                let frame = BatchFrame.build(
                    encodedRecords: encoded[...], firstPosition: records[start].position,
                    recordedAtMicros: maxTime, continued: end < records.count, previousHash: hash)
                try file.write(frame.bytes, at: size + written)
                frames.append(FrameLocation(
                    firstPosition: records[start].position, eventCount: UInt64(end - start), segment: file.firstPosition,
                    offset: size + written, length: UInt64(frame.bytes.count), minRecordedAt: minTime,
                    maxRecordedAt: maxTime))
                written += UInt64(frame.bytes.count)
                hash = frame.hash
                start = end
            }
            if configuration.durability != .none { try file.sync() }
        } catch {
            try? file.truncate(to: size)
            throw error
        }
        size += written
        lastHash = hash
        return (frames, newSegment)
    }
}
