/// What lies at one byte offset of a segment file.
enum FrameSlot {
    /// A whole frame whose header and payload checksums hold; `bytes` is header + payload.
    case frame(FrameHeader, bytes: [UInt8])
    /// The offset is exactly the end of the file.
    case end
    /// An incomplete write at the very end of the file: bytes that were never acknowledged.
    case torn(reason: String)
    /// Bytes that fail their checks and are not a torn tail.
    case corrupt(reason: String)
}

/// Reads and checks the frame at an offset of a segment, and tells a torn tail
/// (file ends inside a frame, or only zeros remain) from corruption (anything else).
struct FrameScanner {
    let file: SegmentFile
    let fileSize: UInt64

    init(file: SegmentFile) throws(LogError) {
        self.file = file
        self.fileSize = try file.size()
    }

    func slot(at offset: UInt64) throws(LogError) -> FrameSlot {
        if offset == fileSize { return .end }
        let remaining = fileSize - offset
        var headerBytes = try file.read(at: offset, count: FrameHeader.size)
        let decoded = headerBytes.withUnsafeBytes { FrameHeader.decode($0) }
        let header: FrameHeader
        switch decoded {
        case let .success(value):
            header = value
        case .failure(.short):
            return .torn(reason: "\(remaining) bytes at the end of the file are shorter than a frame header")
        case .failure(.zeroed):
            return try onlyZerosFollow(offset)
                ? .torn(reason: "the file ends in \(remaining) zero bytes that were never written")
                : .corrupt(reason: "a zeroed frame header is followed by data")
        case .failure(.badMagic):
            return .corrupt(reason: "bad frame magic")
        case .failure(.badChecksum):
            return .corrupt(reason: "frame header checksum mismatch")
        case let .failure(.unsupportedVersion(version)):
            return .corrupt(reason: "unsupported frame format version \(version)")
        case let .failure(.implausible(reason)):
            return .corrupt(reason: reason)
        }
        let frameLength = UInt64(header.frameLength)
        if frameLength > remaining {
            return .torn(reason: "frame of \(frameLength) bytes is cut off after \(remaining) bytes")
        }
        let payload = try file.read(at: offset + UInt64(FrameHeader.size), count: Int(header.compressedLength))
        guard CRC32C.checksum(payload) == header.payloadCRC else {
            return .corrupt(reason: "frame payload checksum mismatch")
        }
        headerBytes.append(contentsOf: payload)
        return .frame(header, bytes: headerBytes)
    }

    private func onlyZerosFollow(_ offset: UInt64) throws(LogError) -> Bool {
        var at = offset
        while at < fileSize {
            let chunk = try file.read(at: at, count: Int(min(1 << 20, fileSize - at)))
            if chunk.isEmpty { break }
            if chunk.contains(where: { $0 != 0 }) { return false }
            at += UInt64(chunk.count)
        }
        return true
    }
}
