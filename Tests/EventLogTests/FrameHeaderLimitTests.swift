import Foundation
import Testing
import TestSupport
@testable import EventLog

/// A frame header whose checksums hold but whose sizes or positions no writer produces (a
/// crafted or damaged-then-rechecksummed file) is corruption, refused before anything it
/// declares is allocated: never an out-of-memory kill or a trap. Found by Fuzz/FuzzLogSegment.
@Suite struct FrameHeaderLimitTests {
    /// A three-event log whose first frame's header field at `field` (an 8-byte field at
    /// offset 8, else 4 bytes) is set to `value`, then the header's CRC made right again.
    func logWithEditedFirstFrame(_ name: String, field: Int, value: UInt64) async throws -> TemporaryDirectory {
        let dir = TemporaryDirectory(name)
        let log = try EventLog.openForTest(dir)
        try await log.append(stream: "s", events: [event("one"), event("two"), event("three")])
        await log.close()
        let url = dir.url.appendingPathComponent(SegmentFile.fileName(firstPosition: 1))
        var bytes = Array(try Data(contentsOf: url))
        var header = Array(bytes[SegmentHeader.size..<(SegmentHeader.size + FrameHeader.size)])
        let width = field == 8 ? 8 : 4
        for i in 0..<width { header[field + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        let crc = CRC32C.checksum(Array(header[0..<76]))
        for i in 0..<4 { header[76 + i] = UInt8(truncatingIfNeeded: crc >> (8 * i)) }
        bytes.replaceSubrange(SegmentHeader.size..<(SegmentHeader.size + FrameHeader.size), with: header)
        try Data(bytes).write(to: url)
        return dir
    }

    /// The input Fuzz/FuzzLogSegment found: an uncompressed length of almost 4 GiB made
    /// `open` and `verify` allocate it (then trap converting it to Int32).
    @Test(arguments: [
        (20, UInt64(0xFFFF_FFF0), "uncompressed bytes, more than the limit"),
        (20, UInt64(FrameHeader.maximumUncompressedLength + 1), "uncompressed bytes, more than the limit"),
        (24, UInt64(0x7FFF_FFFF), "more than LZ4 ever makes"),
        (16, UInt64(0xFFFF_FFFF), "events in"),
        (16, UInt64(0), "declares 0 events"),
        (8, UInt64.max, "first position"),
    ])
    func an_implausible_frame_header_is_corruption_at_its_position(field: Int, value: UInt64, reason: String)
        async throws
    {
        let dir = try await logWithEditedFirstFrame("implausible-\(field)-\(value)", field: field, value: value)
        defer { dir.cleanup() }

        let report = try EventLog.verify(directory: dir.url)
        #expect(report.problem?.kind == .corruption)
        #expect(report.problem?.position == 1)
        #expect(report.problem?.description.contains(reason) == true, "\(String(describing: report.problem))")
        do {
            _ = try EventLog.open(directory: dir.url)
            Issue.record("a log with an implausible frame header opened")
        } catch {
            #expect(error.code == "LabelLedger.Log.101")
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }
}
