import Foundation
import Testing
import TestSupport
@testable import Projections

/// The hand-managed buffer under the tab pages' JSON: it grows past any capacity without
/// losing a byte, prints every integer as Swift does, and escapes what JSON requires.
@Suite struct JSONBytesTests {
    @Test func appends_past_the_initial_capacity_keep_every_byte_in_order() {
        var out = JSONBytes(capacity: 1)
        var expected: [UInt8] = []
        var generator = SeededGenerator(seed: 77)
        for i in 0..<5_000 {
            switch generator.next() % 4 {
            case 0:
                out.append("[")
                expected += Array("[".utf8)
            case 1:
                let value = generator.next() >> (generator.next() % 64)
                out.appendUnsigned(value)
                expected += Array(String(value).utf8)
            case 2:
                let text = String(repeating: "ab\u{e9}", count: i % 97)
                out.appendString(text)
                expected += Array("\"\(text)\"".utf8)
            default:
                let raw = Array(repeating: UInt8(ascii: "x"), count: i % 300)
                out.appendRaw(raw)
                expected += raw
            }
            #expect(out.count == expected.count)
        }
        #expect(out.bytes == expected)
    }

    @Test(arguments: [Int64.min, Int64.min + 1, -10, -9, -1, 0, 1, 9, 10, 99, 100, 1_048_575, Int64.max])
    func integers_print_as_swift_prints_them(value: Int64) {
        var out = JSONBytes(capacity: 2)
        out.appendInt(value)
        #expect(String(decoding: out.bytes, as: UTF8.self) == String(value))
    }

    @Test func unsigned_extremes_print_in_full() {
        var out = JSONBytes()
        out.appendUnsigned(UInt64.max)
        out.append(",")
        out.appendUnsigned(0)
        #expect(String(decoding: out.bytes, as: UTF8.self) == "\(UInt64.max),0")
    }

    @Test func strings_are_escaped_after_a_clean_prefix() throws {
        let text = "clean prefix \"quoted\" back\\slash\n\t\r\u{1} end"
        var out = JSONBytes(capacity: 4)
        out.appendString(text)
        let decoded = try JSONSerialization.jsonObject(with: Data(out.bytes), options: .fragmentsAllowed) as? String
        #expect(decoded == text)
        #expect(String(decoding: out.bytes, as: UTF8.self) == #""clean prefix \"quoted\" back\\slash\n\t\r\u0001 end""#)
    }

    @Test func truncate_drops_the_tail_and_appending_goes_on_from_there() {
        var out = JSONBytes(capacity: 8)
        out.append("[1,2,3]")
        out.truncate(to: 2)
        out.append("9]")
        #expect(String(decoding: out.bytes, as: UTF8.self) == "[19]")
    }

    @Test func reason_codes_are_read_from_the_column_bytes() {
        func codes(_ column: String) -> [Int] {
            var found: [Int] = []
            var column = column
            column.withUTF8 { SampleRow.forEachReason(in: $0) { found.append($0) } }
            return found
        }
        #expect(codes("") == [])
        #expect(codes("1") == [1])
        #expect(codes("0,2,13") == [0, 2, 13])
        #expect(codes("0,2,13") == SampleRow.parseReasons("0,2,13"))
    }
}
