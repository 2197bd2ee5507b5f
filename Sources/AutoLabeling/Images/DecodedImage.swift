/// A decoded image as 8-bit RGB pixels, row-major, 3 bytes per pixel.
///
/// Invariants: `rgb.count == width * height * 3`; `width` and `height` ≥ 1.
/// Grey images are expanded to three equal channels; images with an alpha
/// channel are flattened onto white (``wasFlattened`` tells), so every
/// consumer sees the same layout.
public struct DecodedImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Channels in the file: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
    public var sourceChannels: Int
    /// True when the file had an alpha channel that was composited onto white.
    public var wasFlattened: Bool
    public var rgb: [UInt8]

    public init(width: Int, height: Int, sourceChannels: Int, wasFlattened: Bool, rgb: [UInt8]) {
        precondition(width > 0 && height > 0 && rgb.count == width * height * 3, "inconsistent image buffer")
        self.width = width
        self.height = height
        self.sourceChannels = sourceChannels
        self.wasFlattened = wasFlattened
        self.rgb = rgb
    }

    /// Composites straight-alpha pixels (`channels` 2 or 4) onto a white background.
    static func flattenedOntoWhite(_ pixels: [UInt8], width: Int, height: Int, channels: Int) -> [UInt8] {
        var rgb = [UInt8](repeating: 255, count: width * height * 3)
        let colour = channels == 4
        for i in 0..<(width * height) {
            let alpha = Int(pixels[i * channels + channels - 1])
            for c in 0..<3 {
                let value = Int(pixels[i * channels + (colour ? c : 0)])
                rgb[i * 3 + c] = UInt8((value * alpha + 255 * (255 - alpha) + 127) / 255)
            }
        }
        return rgb
    }

    /// Expands one grey channel to RGB.
    static func expandedGrey(_ pixels: [UInt8]) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: pixels.count * 3)
        for (i, v) in pixels.enumerated() {
            rgb[i * 3] = v
            rgb[i * 3 + 1] = v
            rgb[i * 3 + 2] = v
        }
        return rgb
    }
}
