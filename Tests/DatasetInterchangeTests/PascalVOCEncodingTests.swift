import Foundation
import Testing
@testable import DatasetInterchange

/// A Pascal VOC file that is not UTF-8 is refused as bad VOC; before, an element name with
/// invalid UTF-8 trapped inside Foundation's XMLParser and took the importer down. Found by
/// Fuzz/FuzzPascalVOC (input in Fuzz/FuzzPascalVOC/regressions).
@Suite struct PascalVOCEncodingTests {
    @Test func the_input_the_fuzzer_found_is_bad_voc_not_a_crash() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/FuzzPascalVOC/regressions/invalid-utf8-element-name").standardized
        let data = try Data(contentsOf: url)
        #expect(throws: InterchangeError.self) { try PascalVOCAnnotation.parse(data) }
        do {
            _ = try PascalVOCAnnotation.parse(data)
        } catch {
            #expect(error.code == "LabelLedger.Import.006", "\(error)")
            #expect(error.message.contains("not UTF-8"))
        }
    }

    @Test func an_element_name_with_a_byte_that_is_not_utf8_is_refused() throws {
        let data = Data("<annotation><filename>a.png</filename><na".utf8) + Data([0xFF, 0xFF]) + Data("/></annotation>".utf8)
        do {
            _ = try PascalVOCAnnotation.parse(data)
            Issue.record("parsed")
        } catch {
            #expect(error.message.contains("not UTF-8"))
        }
    }
}
