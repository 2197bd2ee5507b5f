// Fuzzes the log's readers of outside bytes: the segment header, batch frames, LZ4
// payloads and event records, through recovery (`EventLog.open`), reading every event and
// `verify` (static, read-only, and on the open log).
//
// Input: one mode byte, then the bytes of segment file `00000000000000000001.seg`.
// - bit 0 clear: the bytes as they are (a bad disk: checksums mostly fail).
// - bit 0 set: the harness first makes the header's CRC and every whole frame's CRCs and
//   hash-chain link right, so the input reaches the frame contents (an attacker who can
//   write the file, or damage under intact checksums).
// - bit 1 set (with bit 0): each frame's payload is given uncompressed (its length in the
//   header's uncompressed-length field) and compressed by the harness, so mutations reach
//   the record decoding instead of failing in LZ4.
import Crypto
@testable import EventLog
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogSegment(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count >= 1 else { return 0 }
    let input = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    let mode = input[0]
    var segment = Array(input.dropFirst())
    if mode & 1 != 0 { segment = SegmentRepair.repaired(segment, compressPayloads: mode & 2 != 0) }

    let directory = ScratchDirectory.shared.fresh()
    ScratchDirectory.shared.write(segment, to: directory.appendingPathComponent("00000000000000000001.seg"))

    _ = try? EventLog.verify(directory: directory)
    guard let log = try? EventLog.open(directory: directory, configuration: EventLogConfiguration(durability: .none)) else {
        return 0
    }
    if let events = try? log.read(from: 1) {
        precondition(events.count == Int(log.head), "read \(events.count) events of a log whose head is \(log.head)")
        for (i, event) in events.enumerated() {
            precondition(event.position == UInt64(i + 1), "event \(i) has position \(event.position)")
        }
    }
    let report = try? log.verify()
    precondition(report?.isClean ?? true, "a log that opened fails verify: \(report!.problem!)")
    return 0
}

/// Makes checksums and chain links of a fuzzed segment right (see the file comment).
enum SegmentRepair {
    static func repaired(_ input: [UInt8], compressPayloads: Bool) -> [UInt8] {
        guard input.count >= SegmentHeader.size else { return input }
        var out = Array(input[0..<SegmentHeader.size])
        out.replaceLE(UInt64(1), at: 16)
        out.replaceLE(CRC32C.checksum(Array(out[0..<60])), at: 60)
        var previous = Array(out[24..<56])
        var offset = SegmentHeader.size
        while offset + FrameHeader.size <= input.count, input[offset..<offset + 4].elementsEqual("LLBF".utf8) {
            var header = Array(input[offset..<offset + FrameHeader.size])
            let declared = Int(compressPayloads ? header.readLE32(at: 20) : header.readLE32(at: 24))
            let available = input.count - offset - FrameHeader.size
            let length = min(declared, available)
            var payload = Array(input[(offset + FrameHeader.size)..<(offset + FrameHeader.size + length)])
            offset += FrameHeader.size + length
            if compressPayloads {
                header.replaceLE(UInt32(payload.count), at: 20)
                payload = LZ4Codec.compress(payload)
                header.replaceLE(UInt32(payload.count), at: 24)
            } else if length < declared {
                // A torn last frame stays torn.
                out += header + payload
                break
            }
            header.replaceSubrange(40..<72, with: previous)
            header.replaceLE(CRC32C.checksum(payload), at: 72)
            header.replaceLE(CRC32C.checksum(Array(header[0..<76])), at: 76)
            let frame = header + payload
            previous = Array(SHA256.hash(data: frame))
            out += frame
        }
        out += input[min(offset, input.count)...]
        return out
    }
}

extension [UInt8] {
    func readLE32(at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << (8 * $1) }
    }

    mutating func replaceLE<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for i in 0..<MemoryLayout<T>.size { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }
}

fuzzMain(fuzzLogSegment)
