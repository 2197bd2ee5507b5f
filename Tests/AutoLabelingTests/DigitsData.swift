import Foundation
import TestSupport
@testable import AutoLabeling

/// scikit-learn's handwritten digits (`TestData.digits()`, from `Tests/Data/digits.csv.gz`),
/// as 32×32 grey images.
enum DigitsData {
    struct Digit {
        var pixels: [UInt8]  // 32×32 grey
        var label: Int
    }

    /// All 1 797 rows, in file order.
    static func load() throws -> [Digit] {
        try TestData.digits().map { row in
            var pixels = [UInt8](repeating: 0, count: 32 * 32)
            for y in 0..<32 {
                for x in 0..<32 {
                    // Ink is dark on white, like a scan.
                    pixels[y * 32 + x] = UInt8(255 - Int(row.intensities[(y / 4) * 8 + x / 4]) * 255 / 16)
                }
            }
            return Digit(pixels: pixels, label: row.label)
        }
    }

    static func features(_ digit: Digit) -> ImageFeatures {
        ImageFeatures(image: DecodedImage(
            width: 32, height: 32, sourceChannels: 1, wasFlattened: false, rgb: DecodedImage.expandedGrey(digit.pixels)))
    }

    /// `perClass` labeled indices per class (seeded), the rest unlabeled, from the first `limit` rows.
    static func split(_ digits: [Digit], perClass: Int, limit: Int, seed: UInt64) -> (labeled: [Int], unlabeled: [Int]) {
        var generator = SeededGenerator(seed: seed)
        let indices = Array(0..<min(limit, digits.count)).shuffled(using: &generator)
        var taken: [Int: Int] = [:], labeled: [Int] = [], unlabeled: [Int] = []
        for i in indices {
            if taken[digits[i].label, default: 0] < perClass {
                taken[digits[i].label, default: 0] += 1
                labeled.append(i)
            } else {
                unlabeled.append(i)
            }
        }
        return (labeled.sorted(), unlabeled.sorted())
    }
}
