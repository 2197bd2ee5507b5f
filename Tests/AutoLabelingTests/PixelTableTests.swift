import Foundation
import Testing
import TestSupport
@testable import AutoLabeling

/// The evaluation's input: any CSV of square images and labels; a bad line is refused with its
/// number and code, never skipped (the digits evaluation used to drop every line that was not 8×8).
struct PixelTableTests {
    func refusal(_ text: String) -> AutoLabelingError? {
        do {
            _ = try PixelTable(csv: text)
            return nil
        } catch { return error }
    }

    @Test func test_any_square_size_and_any_label_is_read() throws {
        let table = try PixelTable(csv: "side,a,b,c,d,e,f,g,h,label\n0,1,2,3,4,5,6,7,255,cat\n9,9,9,9,9,9,9,9,9,dog\n\n")
        #expect(table.side == 3 && table.rows.count == 2 && table.maximum == 255)
        #expect(table.labels == ["cat", "dog"] && table.rows[0].pixels.count == 9)
        let four = try PixelTable(csv: "1,2,3,4,0\r\n4,3,2,1,1\r\n")
        #expect(four.side == 2 && four.labels == ["0", "1"])
    }

    @Test func test_the_digits_layout_is_read_whole() throws {
        let digits = try TestData.digits()
        let text = digits.map { ($0.intensities.map(String.init) + [String($0.label)]).joined(separator: ",") }.joined(separator: "\n")
        let table = try PixelTable(csv: text)
        #expect(table.side == 8 && table.rows.count == 1797 && table.labels.count == 10 && table.maximum == 16)
        #expect(table.rows[5].pixels == digits[5].intensities.map(Double.init) && table.rows[5].label == String(digits[5].label))
    }

    @Test func test_a_line_of_another_size_is_refused_with_its_number() {
        // Before: the reader silently dropped rows that did not have 65 fields.
        let error = refusal("1,2,3,4,0\n1,2,3,4,5,6,7,8,9,1\n")
        #expect(error == .pixelTableRowRefused(line: 2, reason: "10 fields where the first image line has 5"))
        #expect(error?.code == "LabelLedger.AutoLabel.260")
    }

    @Test func test_non_square_bad_pixels_empty_labels_and_blank_lines_are_refused() {
        #expect(refusal("1,2,3,0\n")?.code == "LabelLedger.AutoLabel.260")
        #expect(refusal("1,2,3,0\n") == .pixelTableRowRefused(line: 1, reason: "4 fields: not n² pixel values (n ≥ 2) and a label"))
        #expect(refusal("1,2,3,4,0\n1,x,3,4,1\n") == .pixelTableRowRefused(line: 2, reason: "pixel 2 is 'x': not a finite number ≥ 0"))
        #expect(refusal("1,2,3,4,0\n1,-2,3,4,1\n") == .pixelTableRowRefused(line: 2, reason: "pixel 2 is '-2': not a finite number ≥ 0"))
        #expect(refusal("1,2,3,4,0\n1,nan,3,4,1\n")?.code == "LabelLedger.AutoLabel.260")
        #expect(refusal("1,2,3,4,0\n1,2,3,4, \n") == .pixelTableRowRefused(line: 2, reason: "the label is empty"))
        #expect(refusal("1,2,3,4,0\n\n1,2,3,4,1\n") == .pixelTableRowRefused(line: 2, reason: "blank line"))
    }

    @Test func test_a_table_needs_two_images_and_two_labels() {
        #expect(refusal("") == .pixelTableTooSmall(reason: "0 image(s), need 2"))
        #expect(refusal("h1,h2\n") == .pixelTableTooSmall(reason: "0 image(s), need 2"))
        #expect(refusal("1,2,3,4,0\n1,2,3,4,0\n") == .pixelTableTooSmall(reason: "1 label(s), need 2"))
        #expect(refusal("1,2,3,4,0\n1,2,3,4,0\n")?.code == "LabelLedger.AutoLabel.261")
    }
}
