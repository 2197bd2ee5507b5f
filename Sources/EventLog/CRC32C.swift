import Foundation

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every
/// segment header and batch frame.
///
/// Written here (slice-by-8 tables, ~1 GB/s in release) because none of the
/// packages this project may use exposes CRC-32C; `CRC32C.checksum("123456789")`
/// is `0xE3069283`, the standard check value, and a test pins it.
public enum CRC32C {
    /// The checksum of `bytes`, optionally continuing from an earlier `crc`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        var index = 0
        let count = bytes.count
        guard let base = bytes.baseAddress else { return crc }
        Self.tables.withUnsafeBufferPointer { t in
            while count - index >= 8 {
                let lo = base.loadUnaligned(fromByteOffset: index, as: UInt32.self).littleEndian ^ c
                let hi = base.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self).littleEndian
                c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                index += 8
            }
            while index < count {
                c = t[Int((c ^ UInt32(base.load(fromByteOffset: index, as: UInt8.self))) & 0xFF)] ^ (c >> 8)
                index += 1
            }
        }
        return ~c
    }

    /// The checksum of a byte sequence held contiguously.
    public static func checksum<Bytes: ContiguousBytes>(_ bytes: Bytes, continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }

    /// Eight 256-entry tables: table 0 is the classic byte-wise table, table k
    /// advances a byte through k further zero bytes.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[n] = c
        }
        for n in 0..<256 {
            var c = t[n]
            for k in 1..<8 {
                c = t[Int(c & 0xFF)] ^ (c >> 8)
                t[k * 256 + n] = c
            }
        }
        return t
    }()
}
