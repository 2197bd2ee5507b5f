import Foundation
import LabelingDomain
import Testing
import TestSupport
@testable import AutoLabeling

/// The decoder's bounds (``ImageLimits``): a huge image is refused from its header, before
/// its pixels are allocated, and a huge file before it is read.
struct ImageLimitTests {
    @Test func a_png_declaring_ten_thousand_squared_pixels_is_refused_from_its_header() throws {
        let png = TestPNG.declaring(width: 10_000, height: 10_000)
        #expect(throws: AutoLabelingError.imageTooLarge(path: "big.png", width: 10_000, height: 10_000)) {
            try ImageDecoder.decode(png, path: "big.png")
        }
        #expect(AutoLabelingError.imageTooLarge(path: "big.png", width: 1, height: 1).code == "LabelLedger.AutoLabel.200")
    }

    @Test func a_jpeg_declaring_ten_thousand_squared_pixels_is_refused_from_its_header() throws {
        var jpeg = [UInt8](try JPEGCodec.encode(pixels: [UInt8](repeating: 128, count: 8 * 8 * 3), width: 8, height: 8, channels: 3))
        // The baseline frame header (SOF0): FF C0, length, precision, height, width.
        let sof = try #require((0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg[sof + 5] = 0x27; jpeg[sof + 6] = 0x10  // height 10,000
        jpeg[sof + 7] = 0x27; jpeg[sof + 8] = 0x10  // width 10,000
        #expect(throws: AutoLabelingError.imageTooLarge(path: "big.jpg", width: 10_000, height: 10_000)) {
            try ImageDecoder.decode(Data(jpeg), path: "big.jpg")
        }
    }

    @Test func an_image_within_the_pixel_limit_still_decodes() throws {
        let png = try PNGCodec.encode(pixels: [UInt8](repeating: 7, count: 64 * 48 * 3), width: 64, height: 48, channels: 3)
        #expect(try ImageDecoder.decode(png, path: "ok.png").width == 64)
    }

    @Test func a_file_over_the_byte_limit_is_refused_before_it_is_read() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let url = directory.file("huge.png")
        // A valid small PNG followed by a sparse hole: over the limit on disk, no disk used.
        try TestPNG.pattern(width: 4, height: 4, seed: 1).write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(ImageLimits.maximumFileBytes) + 1)
        try handle.close()
        #expect(throws: AutoLabelingError.imageFileTooLarge(path: url.path, bytes: ImageLimits.maximumFileBytes + 1)) {
            try ImageDecoder.decode(fileAt: url.path)
        }
        #expect(AutoLabelingError.imageFileTooLarge(path: "x", bytes: 1).code == "LabelLedger.AutoLabel.201")
    }
}
