// Fuzzes the import's image probe (PNG/JPEG headers: format, size, channels), from bytes
// and from a file. Both must agree.
import LabelingService
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageProbe(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = fuzzInput(start, count)
    let fromBytes = ImageProbe.probe(data)
    let file = ScratchDirectory.shared.fresh().appendingPathComponent("image")
    ScratchDirectory.shared.write(data, to: file)
    let fromFile = ImageProbe.probe(fileAt: file)
    precondition(fromBytes == fromFile, "probe of bytes \(String(describing: fromBytes)) != of file \(String(describing: fromFile))")
    return 0
}

fuzzMain(fuzzImageProbe)
