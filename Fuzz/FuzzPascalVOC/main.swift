// Fuzzes the Pascal VOC XML reader: an annotation that parses must write (xml()) and
// parse to itself.
import DatasetInterchange
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPascalVOC(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let annotation = try? PascalVOCAnnotation.parse(fuzzInput(start, count)) else { return 0 }
    let again: PascalVOCAnnotation
    do {
        again = try PascalVOCAnnotation.parse(Data(annotation.xml().utf8))
    } catch {
        preconditionFailure("a parsed annotation does not parse after writing: \(error)")
    }
    precondition(again == annotation, "an annotation changes through xml() and parse")
    return 0
}

fuzzMain(fuzzPascalVOC)
