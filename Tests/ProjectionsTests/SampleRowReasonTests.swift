import Testing
@testable import Projections

/// The `hard_reasons` column is read by one parser, from its bytes or as text.
@Suite struct SampleRowReasonTests {
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
