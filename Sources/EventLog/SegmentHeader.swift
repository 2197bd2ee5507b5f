import Foundation

/// The 64-byte header at the start of every segment file (layout in FORMAT.md).
///
/// Invariant: `previousFrameHash` is the SHA-256 of the last frame of the previous
/// segment (all zeros for the first segment), so the hash chain survives a segment
/// that holds no frame yet.
struct SegmentHeader: Equatable, Sendable {
    static let size = 64
    static let magic: [UInt8] = Array("LLSEGMNT".utf8)
    static let formatVersion: UInt16 = 1

    var formatVersion: UInt16 = SegmentHeader.formatVersion
    var firstPosition: UInt64
    var previousFrameHash: [UInt8]

    func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.size)
        bytes.append(contentsOf: Self.magic)
        bytes.appendLE(formatVersion)
        bytes.appendLE(UInt16(0))
        bytes.appendLE(UInt32(0))
        bytes.appendLE(firstPosition)
        bytes.append(contentsOf: previousFrameHash)
        bytes.appendLE(UInt32(0))
        bytes.appendLE(CRC32C.checksum(bytes))
        assert(bytes.count == Self.size)
        return bytes
    }

    enum DecodeFailure: Error { case short, badMagic, badChecksum, unsupportedVersion(UInt16) }

    static func decode(_ raw: UnsafeRawBufferPointer) -> Result<SegmentHeader, DecodeFailure> {
        guard raw.count >= size else { return .failure(.short) }
        guard Array(raw[0..<8]) == magic else { return .failure(.badMagic) }
        let stored = raw.readLE(UInt32.self, at: 60)
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<60])) == stored else {
            return .failure(.badChecksum)
        }
        let version = raw.readLE(UInt16.self, at: 8)
        guard version == formatVersion else { return .failure(.unsupportedVersion(version)) }
        return .success(SegmentHeader(
            formatVersion: version,
            firstPosition: raw.readLE(UInt64.self, at: 16),
            previousFrameHash: Array(raw[24..<56])))
    }

    /// Reads and checks the header of an open segment file.
    static func read(from file: SegmentFile, expectedFirstPosition: UInt64) throws(LogError) -> SegmentHeader {
        let raw = try file.read(at: 0, count: size)
        switch raw.withUnsafeBytes({ decode($0) }) {
        case let .success(header):
            guard header.firstPosition == expectedFirstPosition else {
                throw .corruption(
                    segment: file.name, offset: 0, position: expectedFirstPosition,
                    reason: "segment header says first position \(header.firstPosition), its name says \(expectedFirstPosition)")
            }
            return header
        case let .failure(failure):
            throw .corruption(
                segment: file.name, offset: 0, position: expectedFirstPosition, reason: "bad segment header (\(failure))")
        }
    }
}
