import Foundation

/// A minimal, valid PNG encoder for test images written in Swift alone (stored deflate
/// blocks, the zlib Adler-32 and the PNG CRC-32), so that tests of modules without libpng
/// can make real image files.
public enum TestPNG {
    /// An RGB (or RGBA) test pattern that differs per `seed`.
    public static func pattern(width: Int, height: Int, seed: Int, rgba: Bool = false) -> Data {
        let channels = rgba ? 4 : 3
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels { pixels.append(UInt8(truncatingIfNeeded: x * 7 + y * 13 + c * 29 + seed * 31)) }
            }
        }
        return encode(pixels: pixels, width: width, height: height, channels: channels)
    }

    /// `pixels` row-major, `channels` 1 (grey), 3 (RGB) or 4 (RGBA), 8 bits each.
    public static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int) -> Data {
        precondition([1, 3, 4].contains(channels) && pixels.count == width * height * channels)
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (width * channels + 1))
        for y in 0..<height {
            raw.append(0)
            raw += pixels[(y * width * channels)..<((y + 1) * width * channels)]
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65_535, raw.count - offset)
            zlib.append(offset + n == raw.count ? 1 : 0)
            zlib += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + n)]
            offset += n
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        zlib += be32(b << 16 | a)
        let colourType: UInt8 = channels == 1 ? 0 : channels == 3 ? 2 : 6
        return Data(signature + chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, colourType, 0, 0, 0])
            + chunk("IDAT", zlib) + chunk("IEND", []))
    }

    /// A PNG whose header declares `width × height` RGB pixels, with a stub `IDAT` that
    /// holds none of them: a huge image in a few bytes, for limits checked on the header.
    public static func declaring(width: UInt32, height: UInt32) -> Data {
        Data(signature + chunk("IHDR", be32(width) + be32(height) + [8, 2, 0, 0, 0])
            + chunk("IDAT", [0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", []))
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// One chunk: length, type, body, CRC-32 of type and body.
    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return be32(UInt32(body.count)) + typed + be32(crc32(typed))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        }
        return ~c
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
}
