import Crypto
import Foundation
import LabelingDomain

/// What an import needs to know of an image without decoding it: its size, its channel
/// count, and the SHA-256 of its bytes.
public struct ImageInfo: Sendable, Equatable {
    public var width: UInt32
    public var height: UInt32
    /// 1 (grey), 3 (RGB, or a palette) or 4 (with alpha: RGBA or grey+alpha).
    public var channels: UInt32
    /// Lower-case hex SHA-256 of the file.
    public var sha256: String
}

/// Part of sample intake (``SampleIntake``): reads PNG and JPEG headers (PNG `IHDR`; JPEG `SOFn`) to find an image's size.
///
/// Invariants: returns nil for anything that is not a well-formed PNG or JPEG header, so
/// an unreadable image becomes an import problem rather than a crash. A file is read in
/// fixed-size chunks (hashed as they pass) and its header by seeking: memory does not
/// grow with the file's size.
public enum ImageProbe {
    /// Bytes read from a file at a time.
    static let chunkBytes = 1 << 20

    public static func probe(_ data: Data) -> ImageInfo? {
        let header = self.header { offset, count in
            guard offset >= 0, offset < data.count else { return [] }
            let start = data.startIndex + offset
            return [UInt8](data[start..<min(data.endIndex, start + count)])
        }
        guard let (width, height, channels) = header else { return nil }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return ImageInfo(width: width, height: height, channels: channels, sha256: digest)
    }

    /// Probes a file without holding it in memory. Nil when it cannot be read, is not a
    /// PNG or JPEG, or is larger than `maxBytes` (callers that must say which check
    /// ``fileSize(at:)`` first).
    public static func probe(fileAt url: URL, maxBytes: Int = ImageLimits.maximumFileBytes) -> ImageInfo? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        let header = self.header { offset, count in
            guard (try? handle.seek(toOffset: UInt64(offset))) != nil else { return [] }
            return (try? handle.read(upToCount: count)).map { [UInt8]($0) } ?? []
        }
        guard let (width, height, channels) = header else { return nil }
        guard (try? handle.seek(toOffset: 0)) != nil else { return nil }
        var hasher = SHA256()
        var total = 0
        while true {
            let read: Data?
            do { read = try handle.read(upToCount: chunkBytes) } catch { return nil }
            // nil or empty: the end of the file.
            guard let chunk = read, !chunk.isEmpty else { break }
            total += chunk.count
            guard total <= maxBytes else { return nil }
            hasher.update(data: chunk)
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return ImageInfo(width: width, height: height, channels: channels, sha256: digest)
    }

    /// The size of the file at `url` in bytes, nil when it is not a readable regular file.
    public static func fileSize(at url: URL) -> Int? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            attributes[.type] as? FileAttributeType == .typeRegular
        else { return nil }
        return (attributes[.size] as? NSNumber)?.intValue
    }

    /// Width, height and channels from the header, read through `read(offset, count)`
    /// (fewer bytes than asked at the end of the image).
    private static func header(_ read: (Int, Int) -> [UInt8]) -> (UInt32, UInt32, UInt32)? {
        let start = read(0, 64)
        guard let (width, height, channels) = png(start) ?? jpeg(start, read: read), width > 0, height > 0 else { return nil }
        return (width, height, channels)
    }

    private static func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    private static func png(_ b: [UInt8]) -> (UInt32, UInt32, UInt32)? {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard b.count >= 33, Array(b[0..<8]) == signature, Array(b[12..<16]) == Array("IHDR".utf8) else { return nil }
        let channels: UInt32
        switch b[25] {
        case 0: channels = 1
        case 2, 3: channels = 3
        case 4, 6: channels = 4
        default: return nil
        }
        return (be32(b, 16), be32(b, 20), channels)
    }

    /// Walks the JPEG's segments from marker to marker (each read on its own: the `SOFn`
    /// may follow large metadata segments).
    private static func jpeg(_ start: [UInt8], read: (Int, Int) -> [UInt8]) -> (UInt32, UInt32, UInt32)? {
        guard start.count >= 4, start[0] == 0xFF, start[1] == 0xD8 else { return nil }
        var i = 2
        while true {
            let b = read(i, 10)
            guard b.count == 10, b[0] == 0xFF else { return nil }
            let marker = b[1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            let length = Int(b[2]) << 8 | Int(b[3])
            guard length >= 2 else { return nil }
            // SOF0...SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                let height = UInt32(b[5]) << 8 | UInt32(b[6])
                let width = UInt32(b[7]) << 8 | UInt32(b[8])
                let components = UInt32(b[9])
                return (width, height, components == 1 ? 1 : components == 4 ? 4 : 3)
            }
            i += 2 + length
        }
    }
}
