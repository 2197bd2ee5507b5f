import Foundation
import XCTest

@testable import EventLog

final class RandomUUIDTests: XCTestCase {
    /// Version and variant bits as RFC 9562 sets them for random UUIDs, and no repeats.
    func testRandomUUIDsAreVersion4VariantRFCAndDistinct() {
        var seen = Set<UUID>()
        for _ in 0..<10_000 {
            let id = UUID.random()
            let text = id.uuidString
            let characters = Array(text)
            XCTAssertEqual(characters[14], "4", text)
            XCTAssertTrue("89AB".contains(characters[19]), text)
            XCTAssertTrue(seen.insert(id).inserted, "repeated \(text)")
        }
    }

    /// Every one of the 122 random bits varies: none is stuck at 0 or 1 across many draws.
    func testNoRandomBitIsStuck() {
        var ones = [Int](repeating: 0, count: 128)
        let draws = 2_000
        for _ in 0..<draws {
            let bytes = withUnsafeBytes(of: UUID.random().uuid) { Array($0) }
            for bit in 0..<128 where bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0 { ones[bit] += 1 }
        }
        let fixed: Set<Int> = [48, 49, 50, 51, 64, 65]  // version 0100, variant 10
        for bit in 0..<128 where !fixed.contains(bit) {
            XCTAssertTrue((draws / 4...draws * 3 / 4).contains(ones[bit]), "bit \(bit) was set \(ones[bit]) of \(draws) times")
        }
        XCTAssertEqual(ones[48], 0); XCTAssertEqual(ones[49], draws); XCTAssertEqual(ones[50], 0); XCTAssertEqual(ones[51], 0)
        XCTAssertEqual(ones[64], draws); XCTAssertEqual(ones[65], 0)
    }
}
