import Foundation
import Testing
@testable import AutoLabeling

/// PNG and JPEG decoding through libpng and libjpeg: layouts, flattening, corrupt files.
struct ImageDecodingTests {
    static func gradient(width: Int, height: Int, channels: Int) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    pixels[(y * width + x) * channels + c] = UInt8((x * 7 + y * 3 + c * 50) % 256)
                }
            }
        }
        return pixels
    }

    @Test func test_grey_png_decodes_to_equal_rgb_channels() throws {
        let grey = Self.gradient(width: 5, height: 4, channels: 1)
        let image = try ImageDecoder.decode(PNGCodec.encode(pixels: grey, width: 5, height: 4, channels: 1), path: "g.png")
        #expect(image.width == 5 && image.height == 4 && image.sourceChannels == 1 && !image.wasFlattened)
        #expect(image.rgb[3 * 7] == grey[7] && image.rgb[3 * 7 + 2] == grey[7])
    }

    @Test func test_rgb_png_round_trips_exactly() throws {
        let rgb = Self.gradient(width: 6, height: 3, channels: 3)
        let image = try ImageDecoder.decode(PNGCodec.encode(pixels: rgb, width: 6, height: 3, channels: 3), path: "c.png")
        #expect(image.rgb == rgb && image.sourceChannels == 3)
    }

    @Test func test_rgba_png_is_flattened_onto_white() throws {
        // Opaque red, fully transparent blue, half-transparent black.
        let rgba: [UInt8] = [255, 0, 0, 255, 0, 0, 255, 0, 0, 0, 0, 128]
        let image = try ImageDecoder.decode(PNGCodec.encode(pixels: rgba, width: 3, height: 1, channels: 4), path: "a.png")
        #expect(image.wasFlattened && image.sourceChannels == 4)
        #expect(Array(image.rgb[0..<3]) == [255, 0, 0])
        #expect(Array(image.rgb[3..<6]) == [255, 255, 255])
        #expect(image.rgb[6] == 127 && image.rgb[8] == 127)
    }

    @Test func test_rgb_jpeg_decodes_close_to_its_source() throws {
        let rgb = [UInt8](repeating: 0, count: 16 * 16 * 3).enumerated().map { UInt8($0.offset % 3 == 0 ? 200 : 40) }
        let image = try ImageDecoder.decode(JPEGCodec.encode(pixels: rgb, width: 16, height: 16, channels: 3, quality: 95), path: "p.jpg")
        #expect(image.width == 16 && image.height == 16 && image.sourceChannels == 3)
        let error = zip(image.rgb, rgb).map { abs(Int($0) - Int($1)) }.max()!
        #expect(error < 12)
    }

    @Test func test_grey_jpeg_reports_one_source_channel() throws {
        let grey = Self.gradient(width: 8, height: 8, channels: 1)
        let image = try ImageDecoder.decode(JPEGCodec.encode(pixels: grey, width: 8, height: 8, channels: 1), path: "g.jpg")
        #expect(image.sourceChannels == 1 && image.rgb.count == 8 * 8 * 3)
    }

    @Test func test_truncated_jpeg_is_corrupt_and_the_process_survives() throws {
        let rgb = Self.gradient(width: 32, height: 32, channels: 3)
        let whole = try JPEGCodec.encode(pixels: rgb, width: 32, height: 32, channels: 3)
        for cut in [4, 40, whole.count / 2] {
            #expect(throws: AutoLabelingError.self) { try ImageDecoder.decode(whole.prefix(cut), path: "t.jpg") }
        }
        // The decoder still works afterwards.
        #expect(try ImageDecoder.decode(whole, path: "ok.jpg").width == 32)
    }

    @Test func test_corrupt_png_and_unknown_bytes_are_refused_with_reasons() throws {
        let whole = try PNGCodec.encode(pixels: Self.gradient(width: 8, height: 8, channels: 3), width: 8, height: 8, channels: 3)
        var damaged = whole
        for i in 40..<min(60, damaged.count) { damaged[i] ^= 0x5A }
        #expect(throws: AutoLabelingError.self) { try ImageDecoder.decode(damaged, path: "d.png") }
        #expect(throws: AutoLabelingError.unsupportedImageFormat(path: "x.bin")) {
            try ImageDecoder.decode(Data("hello".utf8), path: "x.bin")
        }
        let missing = "/nonexistent/\(UUID().uuidString).png"
        #expect(throws: AutoLabelingError.self) { try ImageDecoder.decode(fileAt: missing) }
    }
}
