import Foundation
@testable import EventLog

/// Edits a closed log on disk the way an attacker who knows the format would: one
/// event's payload changed and its frame rebuilt with valid checksums, optionally with
/// every later frame and segment header re-linked to it so the hash chain holds again.
enum LogTamper {
    /// Rewrites the segments in `directory` with the payload of the event at `position`
    /// replaced by `payload`. `rehashLater`: re-link every frame (and segment header) after
    /// it. Returns the first position of the frame that was edited.
    @discardableResult
    static func editPayload(at position: UInt64, in directory: String, to payload: Data, rehashLater: Bool) throws -> UInt64 {
        var edited: UInt64?
        var chain = BatchFrame.zeroHash
        for first in try SegmentFile.list(directory: directory) {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(SegmentFile.fileName(firstPosition: first))
            let original = Array(try Data(contentsOf: url))
            var rewritten = Array(original[..<SegmentHeader.size])
            if edited != nil, rehashLater {
                rewritten = SegmentHeader(firstPosition: first, previousFrameHash: chain).encoded()
            }
            var offset = SegmentHeader.size
            while offset < original.count {
                let header = try original[offset...].withUnsafeBytes { try FrameHeader.decode($0).get() }
                let bytes = Array(original[offset..<(offset + header.frameLength)])
                offset += header.frameLength
                let contains = (header.firstPosition...header.lastPosition).contains(position)
                guard contains || (edited != nil && rehashLater) else {
                    rewritten += bytes
                    chain = BatchFrame.sha256(bytes)
                    continue
                }
                var records = try bytes.withUnsafeBytes {
                    try BatchFrame.decodeRecords(header: header, payload: UnsafeRawBufferPointer(rebasing: $0[FrameHeader.size...]))
                }
                if contains {
                    records[Int(position - header.firstPosition)].payload = payload
                    edited = header.firstPosition
                }
                let frame = BatchFrame.build(
                    encodedRecords: ArraySlice(try records.map { try $0.serializedBytes() as [UInt8] }),
                    firstPosition: header.firstPosition, recordedAtMicros: header.recordedAtMicros,
                    continued: header.isContinued, previousHash: contains ? header.previousFrameHash : chain)
                rewritten += frame.bytes
                chain = frame.hash
            }
            try Data(rewritten).write(to: url)
        }
        guard let edited else { throw CocoaError(.fileNoSuchFile) }
        return edited
    }
}
