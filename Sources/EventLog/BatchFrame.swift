import Crypto
import Foundation
import SwiftProtobuf

/// The fixed 80-byte header of a batch frame (layout in FORMAT.md).
struct FrameHeader: Equatable, Sendable {
    static let size = 80
    /// "LLBF" as bytes on disk.
    static let magic: UInt32 = 0x4642_4C4C
    static let formatVersion: UInt16 = 1
    /// Set on every frame of a commit group but its last: a group is durable only whole.
    static let continuedFlag: UInt16 = 1

    var formatVersion: UInt16 = FrameHeader.formatVersion
    var flags: UInt16
    var firstPosition: UInt64
    var eventCount: UInt32
    var uncompressedLength: UInt32
    var compressedLength: UInt32
    var recordedAtMicros: Int64
    var previousFrameHash: [UInt8]
    var payloadCRC: UInt32

    var isContinued: Bool { flags & Self.continuedFlag != 0 }
    var lastPosition: UInt64 { firstPosition + UInt64(eventCount) - 1 }
    var frameLength: Int { Self.size + Int(compressedLength) }

    func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.size)
        bytes.appendLE(Self.magic)
        bytes.appendLE(formatVersion)
        bytes.appendLE(flags)
        bytes.appendLE(firstPosition)
        bytes.appendLE(eventCount)
        bytes.appendLE(uncompressedLength)
        bytes.appendLE(compressedLength)
        bytes.appendLE(UInt32(0))
        bytes.appendLE(recordedAtMicros)
        bytes.append(contentsOf: previousFrameHash)
        bytes.appendLE(payloadCRC)
        bytes.appendLE(CRC32C.checksum(bytes))
        assert(bytes.count == Self.size)
        return bytes
    }

    enum DecodeFailure: Error, Equatable {
        /// Fewer than 80 bytes remain: a torn write at the tail.
        case short
        /// 80 zero bytes: space the file system extended but never wrote (a torn tail).
        case zeroed
        case badMagic
        case badChecksum
        case unsupportedVersion(UInt16)
        /// Checksums hold but the sizes or positions are beyond anything a writer makes
        /// (see ``maximumUncompressedLength``): refused before any allocation they ask for.
        case implausible(String)
    }

    /// The largest uncompressed payload a frame may declare. A writer cuts frames at
    /// ``BatchFrame/targetUncompressedBytes``, or gives one record of at most about
    /// ``BatchFrame/maxRecordBytes`` a frame of its own, so twice the record limit is never
    /// reached by a frame it wrote; a header declaring more is corruption, whatever its CRC.
    static let maximumUncompressedLength = 2 * BatchFrame.maxRecordBytes

    /// The most bytes LZ4 makes of `length` bytes (liblz4's `LZ4_compressBound`).
    static func compressedBound(_ length: Int) -> Int { length + length / 255 + 16 }

    static func decode(_ raw: UnsafeRawBufferPointer) -> Result<FrameHeader, DecodeFailure> {
        guard raw.count >= size else { return .failure(.short) }
        let header = UnsafeRawBufferPointer(rebasing: raw[0..<size])
        if header.allSatisfy({ $0 == 0 }) { return .failure(.zeroed) }
        guard header.readLE(UInt32.self, at: 0) == magic else { return .failure(.badMagic) }
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: header[0..<76])) == header.readLE(UInt32.self, at: 76)
        else { return .failure(.badChecksum) }
        let version = header.readLE(UInt16.self, at: 4)
        guard version == formatVersion else { return .failure(.unsupportedVersion(version)) }
        let firstPosition = header.readLE(UInt64.self, at: 8)
        let eventCount = header.readLE(UInt32.self, at: 16)
        let uncompressed = header.readLE(UInt32.self, at: 20)
        let compressed = header.readLE(UInt32.self, at: 24)
        if let problem = implausibility(
            firstPosition: firstPosition, eventCount: eventCount, uncompressed: uncompressed, compressed: compressed)
        {
            return .failure(.implausible(problem))
        }
        return .success(FrameHeader(
            formatVersion: version,
            flags: header.readLE(UInt16.self, at: 6),
            firstPosition: firstPosition,
            eventCount: eventCount,
            uncompressedLength: uncompressed,
            compressedLength: compressed,
            recordedAtMicros: header.readLE(Int64.self, at: 32),
            previousFrameHash: Array(header[40..<72]),
            payloadCRC: header.readLE(UInt32.self, at: 72)))
    }
}

extension FrameHeader {
    /// Why header fields no writer produces cannot be a frame, or nil: every record takes at
    /// least 2 bytes (a length prefix and a position), positions start at 1 and never wrap.
    static func implausibility(firstPosition: UInt64, eventCount: UInt32, uncompressed: UInt32, compressed: UInt32)
        -> String?
    {
        if Int(uncompressed) > maximumUncompressedLength {
            return "frame declares \(uncompressed) uncompressed bytes, more than the limit of \(maximumUncompressedLength)"
        }
        if Int(compressed) > compressedBound(Int(uncompressed)) {
            return "frame declares \(compressed) compressed bytes for \(uncompressed) uncompressed, more than LZ4 ever makes"
        }
        if eventCount == 0 || UInt64(eventCount) * 2 > UInt64(uncompressed) {
            return "frame declares \(eventCount) events in \(uncompressed) uncompressed bytes"
        }
        if firstPosition == 0 || firstPosition > UInt64.max - UInt64(eventCount) {
            return "frame declares first position \(firstPosition) with \(eventCount) events"
        }
        return nil
    }
}

/// One batch frame: header plus LZ4-compressed, length-prefixed `EventRecord`s.
///
/// Invariants: records are consecutive positions starting at `header.firstPosition`;
/// `hash` is SHA-256 over the whole frame (header and payload) and is what the next
/// frame stores as its `previousFrameHash`.
struct BatchFrame: Sendable {
    /// Frames are cut at this many uncompressed bytes (a single larger record gets a frame of its own).
    static let targetUncompressedBytes = 1 << 20
    /// No single event record may exceed this.
    static let maxRecordBytes = 16 << 20

    var header: FrameHeader
    var bytes: [UInt8]
    var hash: [UInt8]

    static let zeroHash = [UInt8](repeating: 0, count: 32)

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    /// Builds a frame over already-serialized records (each `encodedRecords[i]` is one
    /// serialized `EventRecord` whose position is `firstPosition + i`).
    static func build(
        encodedRecords: ArraySlice<[UInt8]>, firstPosition: UInt64, recordedAtMicros: Int64,
        continued: Bool, previousHash: [UInt8]
    ) -> BatchFrame {
        var raw: [UInt8] = []
        raw.reserveCapacity(encodedRecords.reduce(0) { $0 + $1.count + 5 })
        for record in encodedRecords {
            appendVarint(UInt64(record.count), to: &raw)
            raw.append(contentsOf: record)
        }
        let compressed = LZ4Codec.compress(raw)
        let header = FrameHeader(
            flags: continued ? FrameHeader.continuedFlag : 0,
            firstPosition: firstPosition,
            eventCount: UInt32(encodedRecords.count),
            uncompressedLength: UInt32(raw.count),
            compressedLength: UInt32(compressed.count),
            recordedAtMicros: recordedAtMicros,
            previousFrameHash: previousHash,
            payloadCRC: CRC32C.checksum(compressed))
        var bytes = header.encoded()
        bytes.append(contentsOf: compressed)
        return BatchFrame(header: header, bytes: bytes, hash: sha256(bytes))
    }

    /// Decompresses and parses the records of a frame whose header and payload CRC were
    /// already checked; throws a reason string when the content contradicts the header.
    static func decodeRecords(header: FrameHeader, payload: UnsafeRawBufferPointer) throws(FrameContentError)
        -> [EventRecord]
    {
        guard let raw = LZ4Codec.decompress(payload, uncompressedLength: Int(header.uncompressedLength)) else {
            throw FrameContentError(reason: "LZ4 payload does not decompress to \(header.uncompressedLength) bytes")
        }
        var records: [EventRecord] = []
        // Not the declared count: a header's count is only trusted once the records are read.
        records.reserveCapacity(min(Int(header.eventCount), 1024))
        var offset = 0
        while offset < raw.count {
            guard let (length, used) = readVarint(raw, at: offset), length <= UInt64(raw.count - offset - used) else {
                throw FrameContentError(reason: "record length prefix at payload byte \(offset) is invalid")
            }
            offset += used
            let record: EventRecord
            do {
                record = try EventRecord(serializedBytes: raw[offset..<(offset + Int(length))])
            } catch {
                throw FrameContentError(reason: "record \(records.count) is not a valid EventRecord: \(error)")
            }
            let expected = header.firstPosition + UInt64(records.count)
            guard record.position == expected else {
                throw FrameContentError(reason: "record \(records.count) has position \(record.position), expected \(expected)")
            }
            records.append(record)
            offset += Int(length)
        }
        guard records.count == Int(header.eventCount) else {
            throw FrameContentError(reason: "frame declares \(header.eventCount) events but holds \(records.count)")
        }
        return records
    }

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    static func readVarint(_ buffer: [UInt8], at start: Int) -> (UInt64, Int)? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = start
        while index < buffer.count, shift < 64 {
            let byte = buffer[index]
            result |= UInt64(byte & 0x7F) << shift
            index += 1
            if byte & 0x80 == 0 { return (result, index - start) }
            shift += 7
        }
        return nil
    }
}

/// A frame whose checksums hold but whose content contradicts its header.
struct FrameContentError: Error {
    var reason: String
}
