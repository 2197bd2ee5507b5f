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

    /// A coordinate that is a number but no Int32 (1e20, nan, -inf) is not a coordinate;
    /// before, converting it trapped (found by Fuzz/FuzzPascalVOC).
    @Test func a_coordinate_beyond_int32_or_not_finite_is_not_a_crash() throws {
        for bad in ["1e20", "nan", "-inf", "-3e9"] {
            let xml = """
                <annotation><filename>a.png</filename><size><width>10</width><height>10</height><depth>3</depth></size>\
                <object><name>cat</name><bndbox><xmin>\(bad)</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>
                """
            let parsed = try? PascalVOCAnnotation.parse(Data(xml.utf8))
            #expect(parsed?.objects.isEmpty ?? true, "\(bad)")
        }
    }
}
