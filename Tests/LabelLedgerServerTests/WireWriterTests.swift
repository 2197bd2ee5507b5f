import Foundation
import Testing
import TestSupport
@testable import LabelLedgerServer

/// The hand-managed buffer under the API's JSON (``WireWriter``): it grows past any capacity without
/// losing a byte, prints every integer as Swift does, and escapes what JSON requires.
@Suite struct WireWriterTests {
    @Test func appends_past_the_initial_capacity_keep_every_byte_in_order() {
        var out = WireWriter(capacity: 1)
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
        var out = WireWriter(capacity: 2)
        out.appendInt(value)
        #expect(String(decoding: out.bytes, as: UTF8.self) == String(value))
    }

    @Test func unsigned_extremes_print_in_full() {
        var out = WireWriter()
        out.appendUnsigned(UInt64.max)
        out.append(",")
        out.appendUnsigned(0)
        #expect(String(decoding: out.bytes, as: UTF8.self) == "\(UInt64.max),0")
    }

    @Test func strings_are_escaped_after_a_clean_prefix() throws {
        let text = "clean prefix \"quoted\" back\\slash\n\t\r\u{1} end"
        var out = WireWriter(capacity: 4)
        out.appendString(text)
        let decoded = try JSONSerialization.jsonObject(with: Data(out.bytes), options: .fragmentsAllowed) as? String
        #expect(decoded == text)
        #expect(String(decoding: out.bytes, as: UTF8.self) == #""clean prefix \"quoted\" back\\slash\n\t\r\u0001 end""#)
    }

}
