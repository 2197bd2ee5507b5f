import CJPEG
import Foundation
import LabelingDomain
#if canImport(Glibc)
import Glibc
#endif

/// JPEG decoding and encoding through libjpeg(-turbo).
///
/// libjpeg's default error handler calls `exit()`, and a replacement handler must not
/// return to the library. Swift cannot `setjmp`, so the call sequences live in C
/// (`cjpeg_decode` / `cjpeg_encode` in the CJPEG shim): the error handler `longjmp`s back,
/// the library object is destroyed and the message returned. A corrupt file therefore
/// costs nothing but an error.
///
/// Any libjpeg warning (e.g. "Premature end of JPEG file", corrupt entropy data)
/// also makes the image count as corrupt: its pixels would be partly invented.
public enum JPEGCodec {
    /// True when `bytes` start with the JPEG SOI marker.
    public static func isJPEG(_ bytes: Data) -> Bool { bytes.starts(with: [0xFF, 0xD8, 0xFF]) }

    /// Decodes a baseline or progressive JPEG (grey or YCbCr/RGB; CMYK is refused as corrupt) to 8-bit RGB.
    /// - Throws: ``AutoLabelingError/corruptImage(path:reason:)`` with libjpeg's message.
    public static func decode(_ bytes: Data, path: String) throws(AutoLabelingError) -> DecodedImage {
        var out: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBytes { raw in
            cjpeg_decode(
                raw.bindMemory(to: UInt8.self).baseAddress, UInt(raw.count), ImageLimits.maximumPixels, &out, &width,
                &height, &channels, &message, message.count)
        }
        // The shim checks the header's size before allocating the pixels.
        if status == -2 { throw .imageTooLarge(path: path, width: Int(width), height: Int(height)) }
        guard status == 0, let pixels = out else {
            throw .corruptImage(path: path, reason: Self.text(message))
        }
        defer { free(pixels) }
        guard width > 0, height > 0 else { throw .corruptImage(path: path, reason: "libjpeg produced no image") }
        let values = Array(UnsafeBufferPointer(start: pixels, count: Int(width) * Int(height) * Int(channels)))
        return DecodedImage(
            width: Int(width), height: Int(height), sourceChannels: Int(channels), wasFlattened: false,
            rgb: channels == 1 ? DecodedImage.expandedGrey(values) : values)
    }

    /// Encodes 8-bit grey (`channels` 1) or RGB (3) pixels as a baseline JPEG.
    public static func encode(
        pixels: [UInt8], width: Int, height: Int, channels: Int, quality: Int32 = 90
    ) throws(AutoLabelingError) -> Data {
        precondition((channels == 1 || channels == 3) && pixels.count == width * height * channels)
        var out: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = pixels.withUnsafeBufferPointer { source in
            cjpeg_encode(source.baseAddress, Int32(width), Int32(height), Int32(channels), quality, &out, &size, &message, message.count)
        }
        defer { free(out) }
        guard status == 0, let bytes = out else { throw .corruptImage(path: "<memory>", reason: Self.text(message)) }
        return Data(bytes: bytes, count: Int(size))
    }

    private static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
