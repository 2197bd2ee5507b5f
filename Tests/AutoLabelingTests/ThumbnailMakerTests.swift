import Foundation
import Testing
import TestSupport
@testable import AutoLabeling

/// ``ThumbnailMaker``: sizes, area averaging, the bounded cache.
struct ThumbnailMakerTests {
    /// For seeded random sizes and edges: never enlarged, the longer side is min(edge, longer),
    /// the aspect ratio is kept to within one pixel's rounding, every side ≥ 1.
    @Test func sizes_keep_the_aspect_ratio_and_never_enlarge() {
        var random = SeededGenerator(seed: 27)
        for _ in 0..<2_000 {
            let width = Int.random(in: 1...20_000, using: &random), height = Int.random(in: 1...20_000, using: &random)
            let edge = Int.random(in: ThumbnailMaker.edgeRange, using: &random)
            let size = ThumbnailMaker.size(width: width, height: height, edge: edge)
            #expect(size.width >= 1 && size.height >= 1 && size.width <= width && size.height <= height)
            #expect(max(size.width, size.height) == min(edge, max(width, height)), "\(width)×\(height) @\(edge) → \(size)")
            // Within one rounding of the shorter side: |w'·h − h'·w| ≤ ½·max(w, h).
            let error = abs(Double(size.width) * Double(height) - Double(size.height) * Double(width))
            #expect(error <= Double(max(width, height)) / 2 + 1e-6 || min(size.width, size.height) == 1, "\(width)×\(height) → \(size)")
        }
    }

    /// Every source pixel counts once: halves of black and white shrink to one black and one
    /// white pixel, a 3×3 checker to its mean.
    @Test func shrinking_averages_the_covered_area() throws {
        var halves = [UInt8](repeating: 0, count: 8 * 4 * 3)
        for y in 0..<4 { for x in 4..<8 { for c in 0..<3 { halves[(y * 8 + x) * 3 + c] = 255 } } }
        let image = DecodedImage(width: 8, height: 4, sourceChannels: 3, wasFlattened: false, rgb: halves)
        #expect(ThumbnailMaker.shrink(image, width: 2, height: 1) == [0, 0, 0, 255, 255, 255])
        let checker = (0..<9).flatMap { i in [UInt8](repeating: i % 2 == 0 ? 90 : 0, count: 3) }
        let mean = ThumbnailMaker.shrink(DecodedImage(width: 3, height: 3, sourceChannels: 3, wasFlattened: false, rgb: checker), width: 1, height: 1)
        #expect(mean == [50, 50, 50])
    }

    /// The cache never holds more than its limit, however many thumbnails are made, and a
    /// cached thumbnail is the same bytes as a fresh one.
    @Test func the_cache_stays_within_its_byte_limit() async throws {
        let directory = TemporaryDirectory("thumbnail-cache")
        defer { directory.cleanup() }
        let maker = ThumbnailMaker(cacheByteLimit: 6_000)
        var first: Data?
        for i in 0..<30 {
            let url = directory.url.appendingPathComponent("\(i).png")
            try TestPNG.pattern(width: 64, height: 48, seed: i).write(to: url)
            let jpeg = try await maker.thumbnail(path: url.path, contentSHA256: "sha\(i)", edge: 32)
            let size = try #require(ThumbnailEndpointSize.of(jpeg))
            #expect(size == (32, 24))
            if i == 0 { first = jpeg }
            #expect(maker.cachedBytes <= 6_000)
        }
        #expect(maker.cachedBytes > 0)
        let again = try await maker.thumbnail(
            path: directory.url.appendingPathComponent("0.png").path, contentSHA256: "sha0", edge: 32)
        #expect(again == first)
    }
}

/// Width and height from a JPEG's SOF marker.
enum ThumbnailEndpointSize {
    static func of(_ data: Data) -> (Int, Int)? {
        let bytes = [UInt8](data)
        var index = 2
        while index + 9 < bytes.count, bytes[index] == 0xFF {
            let marker = bytes[index + 1]
            if (0xC0...0xC3).contains(marker) {
                return (Int(bytes[index + 7]) << 8 | Int(bytes[index + 8]), Int(bytes[index + 5]) << 8 | Int(bytes[index + 6]))
            }
            index += 2 + (Int(bytes[index + 2]) << 8 | Int(bytes[index + 3]))
        }
        return nil
    }
}
