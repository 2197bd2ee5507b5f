import CLZ4
import Foundation

/// LZ4 block compression of a frame's records, through the system liblz4.
enum LZ4Codec {
    /// Compresses `input` into a fresh buffer (LZ4 block format, default acceleration).
    static func compress(_ input: [UInt8]) -> [UInt8] {
        let bound = Int(LZ4_compressBound(Int32(input.count)))
        var output = [UInt8](repeating: 0, count: max(bound, 1))
        let written = input.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                LZ4_compress_default(
                    UnsafeRawPointer(src.baseAddress!).assumingMemoryBound(to: CChar.self),
                    UnsafeMutableRawPointer(dst.baseAddress!).assumingMemoryBound(to: CChar.self),
                    Int32(input.count), Int32(bound))
            }
        }
        // LZ4_compress_default only fails when the destination is smaller than the bound.
        precondition(written > 0 || input.isEmpty, "LZ4_compress_default failed with a bound-sized buffer")
        output.removeSubrange(Int(written)...)
        return output
    }

    /// Decompresses exactly `uncompressedLength` bytes, or returns nil when the input is
    /// not a valid LZ4 block of that size (the caller reports corruption).
    static func decompress(_ input: UnsafeRawBufferPointer, uncompressedLength: Int) -> [UInt8]? {
        if uncompressedLength == 0 { return input.isEmpty ? [] : nil }
        guard let src = input.baseAddress else { return nil }
        var output = [UInt8](repeating: 0, count: uncompressedLength)
        let produced = output.withUnsafeMutableBufferPointer { dst in
            LZ4_decompress_safe(
                src.assumingMemoryBound(to: CChar.self),
                UnsafeMutableRawPointer(dst.baseAddress!).assumingMemoryBound(to: CChar.self),
                Int32(input.count), Int32(uncompressedLength))
        }
        return produced == Int32(uncompressedLength) ? output : nil
    }
}
