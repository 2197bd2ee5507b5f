import Crypto
import Foundation

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

/// Reads PNG and JPEG headers (PNG `IHDR`; JPEG `SOFn`) to find an image's size.
///
/// Invariant: returns nil for anything that is not a well-formed PNG or JPEG header, so
/// an unreadable image becomes an import problem rather than a crash.
public enum ImageProbe {
    public static func probe(_ data: Data) -> ImageInfo? {
        let bytes = [UInt8](data)
        guard let (width, height, channels) = png(bytes) ?? jpeg(bytes), width > 0, height > 0 else { return nil }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return ImageInfo(width: width, height: height, channels: channels, sha256: digest)
    }

    public static func probe(fileAt url: URL) -> ImageInfo? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return probe(data)
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

    private static func jpeg(_ b: [UInt8]) -> (UInt32, UInt32, UInt32)? {
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var i = 2
        while i + 9 < b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 2 else { return nil }
            // SOF0...SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                let height = UInt32(b[i + 5]) << 8 | UInt32(b[i + 6])
                let width = UInt32(b[i + 7]) << 8 | UInt32(b[i + 8])
                let components = UInt32(b[i + 9])
                return (width, height, components == 1 ? 1 : components == 4 ? 4 : 3)
            }
            i += 2 + length
        }
        return nil
    }
}
