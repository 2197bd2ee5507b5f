import Foundation
import Testing
import TestSupport
@testable import EventLog

@Suite struct FrameFormatTests {
    @Test func crc32c_matches_the_standard_check_value() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // 32 zero bytes: RFC 3720 test vector.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    }

    @Test func crc32c_can_continue_over_pieces() {
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let whole = CRC32C.checksum(bytes)
        let split = CRC32C.checksum(Array(bytes[333...]), continuing: CRC32C.checksum(Array(bytes[..<333])))
        #expect(whole == split)
    }

    @Test func lz4_round_trips_and_rejects_a_wrong_length() {
        let input = Array(String(repeating: "label ledger ", count: 500).utf8)
        let compressed = LZ4Codec.compress(input)
        #expect(compressed.count < input.count / 4)
        let output = compressed.withUnsafeBytes { LZ4Codec.decompress($0, uncompressedLength: input.count) }
        #expect(output == input)
        let wrong = compressed.withUnsafeBytes { LZ4Codec.decompress($0, uncompressedLength: input.count + 1) }
        #expect(wrong == nil)
    }

    @Test func frame_header_round_trips_and_detects_any_flipped_bit() {
        let header = FrameHeader(
            flags: FrameHeader.continuedFlag, firstPosition: 42, eventCount: 3, uncompressedLength: 100,
            compressedLength: 60, recordedAtMicros: 1_700_000_000_000_000,
            previousFrameHash: (0..<32).map { UInt8($0) }, payloadCRC: 0xDEAD_BEEF)
        let bytes = header.encoded()
        #expect(bytes.count == FrameHeader.size)
        #expect(bytes.withUnsafeBytes { FrameHeader.decode($0) } == .success(header))
        for byte in 0..<bytes.count {
            for bit in 0..<8 {
                var damaged = bytes
                damaged[byte] ^= UInt8(1 << bit)
                let decoded = damaged.withUnsafeBytes { FrameHeader.decode($0) }
                #expect(decoded != .success(header), "flip of bit \(bit) in byte \(byte) went unnoticed")
            }
        }
    }

    @Test func segment_header_round_trips() {
        let header = SegmentHeader(firstPosition: 12345, previousFrameHash: [UInt8](repeating: 7, count: 32))
        let bytes = header.encoded()
        #expect(bytes.count == SegmentHeader.size)
        guard case let .success(decoded) = bytes.withUnsafeBytes({ SegmentHeader.decode($0) }) else {
            Issue.record("segment header did not decode")
            return
        }
        #expect(decoded == header)
    }

    @Test func batch_frame_decodes_its_records_in_order() throws {
        let records: [[UInt8]] = try (0..<10).map { i in
            var record = EventRecord()
            record.position = 100 + UInt64(i)
            record.streamID = "s"
            record.streamVersion = UInt64(i + 1)
            record.payload = Data("payload \(i)".utf8)
            return try record.serializedBytes()
        }
        let frame = BatchFrame.build(
            encodedRecords: records[...], firstPosition: 100, recordedAtMicros: 5, continued: false,
            previousHash: BatchFrame.zeroHash)
        #expect(frame.hash == BatchFrame.sha256(frame.bytes))
        let decoded = try frame.bytes.withUnsafeBytes { raw in
            try BatchFrame.decodeRecords(header: frame.header, payload: UnsafeRawBufferPointer(rebasing: raw[FrameHeader.size...]))
        }
        #expect(decoded.map(\.position) == Array(100..<110))
        #expect(decoded.map { String(decoding: $0.payload, as: UTF8.self) } == (0..<10).map { "payload \($0)" })
    }

    @Test func segment_file_names_sort_by_position() {
        #expect(SegmentFile.fileName(firstPosition: 1) == "00000000000000000001.seg")
        #expect(SegmentFile.firstPosition(fileName: "00000000000000081921.seg") == 81921)
        #expect(SegmentFile.firstPosition(fileName: "index.sqlite") == nil)
    }
}
