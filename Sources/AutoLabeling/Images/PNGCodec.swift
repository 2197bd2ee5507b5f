import CPNG
import Foundation
import LabelingDomain

/// PNG decoding and encoding through libpng's simplified `png_image_*` API,
/// which reports errors through `png_image.message` instead of `longjmp`-ing
/// into the caller, so a corrupt file can never take the process down.
///
/// ```swift
/// let image = try PNGCodec.decode(Data(contentsOf: url), path: url.path)
/// ```
public enum PNGCodec {
    // The format macros combine flags and are not imported into Swift.
    static let formatFlagAlpha: UInt32 = 0x01
    static let formatFlagColor: UInt32 = 0x02

    /// True when `bytes` start with the PNG signature.
    public static func isPNG(_ bytes: Data) -> Bool {
        bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    /// Decodes a PNG of any bit depth and colour type to 8-bit RGB.
    /// - Throws: ``AutoLabelingError/corruptImage(path:reason:)`` with libpng's message.
    public static func decode(_ bytes: Data, path: String) throws(AutoLabelingError) -> DecodedImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let began = bytes.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard began != 0 else { throw .corruptImage(path: path, reason: message(of: image)) }
        let width = Int(image.width), height = Int(image.height)
        guard width > 0, height > 0 else { throw .corruptImage(path: path, reason: "implausible size \(width)×\(height)") }
        // Only the header has been read so far: refuse before allocating the pixels.
        guard ImageLimits.allows(width: UInt64(width), height: UInt64(height)) else {
            throw .imageTooLarge(path: path, width: width, height: height)
        }
        let hasAlpha = image.format & formatFlagAlpha != 0
        let hasColour = image.format & formatFlagColor != 0
        let sourceChannels = (hasColour ? 3 : 1) + (hasAlpha ? 1 : 0)
        // Read as 8-bit grey, GA, RGB or RGBA: the simplified API converts bit depths and palettes.
        image.format = (hasColour ? formatFlagColor : 0) | (hasAlpha ? formatFlagAlpha : 0)
        let channels = sourceChannels
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        let finished = bytes.withUnsafeBytes { _ in
            pixels.withUnsafeMutableBytes { buffer in
                png_image_finish_read(&image, nil, buffer.baseAddress, Int32(width * channels), nil)
            }
        }
        guard finished != 0 else { throw .corruptImage(path: path, reason: message(of: image)) }
        let rgb: [UInt8]
        switch channels {
        case 1: rgb = DecodedImage.expandedGrey(pixels)
        case 3: rgb = pixels
        default: rgb = DecodedImage.flattenedOntoWhite(pixels, width: width, height: height, channels: channels)
        }
        return DecodedImage(
            width: width, height: height, sourceChannels: sourceChannels, wasFlattened: hasAlpha, rgb: rgb)
    }

    /// Encodes 8-bit pixels (`channels` 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) as a PNG file.
    /// - Throws: ``AutoLabelingError/corruptImage(path:reason:)`` when libpng refuses.
    public static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int) throws(AutoLabelingError) -> Data {
        precondition((1...4).contains(channels) && pixels.count == width * height * channels)
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = (channels >= 3 ? formatFlagColor : 0) | (channels % 2 == 0 ? formatFlagAlpha : 0)
        defer { png_image_free(&image) }
        var size = 0
        // First call measures, second call writes.
        guard pixels.withUnsafeBytes({ png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil) }) != 0
        else { throw .corruptImage(path: "<memory>", reason: message(of: image)) }
        var out = Data(count: size)
        let ok = out.withUnsafeMutableBytes { target in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, target.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        guard ok != 0 else { throw .corruptImage(path: "<memory>", reason: message(of: image)) }
        return out.prefix(size)
    }

    private static func message(of image: png_image) -> String {
        var copy = image.message
        return withUnsafeBytes(of: &copy) { raw in
            let text = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            return text.isEmpty ? "libpng refused the data" : text
        }
    }
}
