import Foundation

/// The floor under a replay's decompression: the LZ4 C library alone decompressing every
/// frame payload of a log, on one thread, with the segment bytes already in memory — no
/// checksum, no hash, no record parsing. `events / elapsed` bounds what a one-thread replay
/// of the same bytes can reach; a replay that decodes frames on several cores can pass it.
///
/// Invariants: reads the segment files only (nothing is written); frames are found by
/// their headers (checked), so a damaged log throws ``LogError/corruption(segment:offset:position:reason:)``.
public enum LZ4ReadBaseline {
    public struct Timing: Sendable {
        /// Events in the frames decompressed.
        public var events: Int
        public var compressedBytes: Int
        public var uncompressedBytes: Int
        /// Decompression alone.
        public var elapsed: Duration
    }

    public static func measure(directory: URL) throws(LogError) -> Timing {
        var payloads: [(bytes: [UInt8], uncompressedLength: Int, events: Int)] = []
        for segment in try SegmentFile.list(directory: directory.path) {
            let file = try SegmentFile(directory: directory.path, firstPosition: segment, writable: false)
            let scanner = try FrameScanner(file: file)
            var offset = UInt64(SegmentHeader.size)
            while case let .frame(header, bytes) = try scanner.slot(at: offset) {
                payloads.append((Array(bytes[FrameHeader.size...]), Int(header.uncompressedLength), Int(header.eventCount)))
                offset += UInt64(bytes.count)
            }
        }
        let clock = ContinuousClock()
        var produced = 0
        let start = clock.now
        for payload in payloads {
            let output = payload.bytes.withUnsafeBytes { LZ4Codec.decompress($0, uncompressedLength: payload.uncompressedLength) }
            produced += output?.count ?? 0
        }
        let elapsed = clock.now - start
        let expected = payloads.reduce(0) { $0 + $1.uncompressedLength }
        guard produced == expected else {
            throw .corruption(segment: "(any)", offset: 0, position: 0, reason: "a frame payload does not decompress")
        }
        return Timing(
            events: payloads.reduce(0) { $0 + $1.events }, compressedBytes: payloads.reduce(0) { $0 + $1.bytes.count },
            uncompressedBytes: expected, elapsed: elapsed)
    }
}
