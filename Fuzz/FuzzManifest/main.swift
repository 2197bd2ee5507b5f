// Fuzzes the ModelArts manifest reader (JSON Lines, annotation files it names).
//
// Input: the manifest; the folder beside it holds a small PNG `a.png` and a Pascal VOC
// file `a.xml` so that lines naming them reach the image and annotation readers.
import DatasetInterchange
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let directory = ScratchDirectory.shared.fresh()
    let manifest = directory.appendingPathComponent("input.manifest")
    ScratchDirectory.shared.write(UnsafeRawBufferPointer(start: start, count: count), to: manifest)
    ScratchDirectory.shared.write(SmallFiles.png, to: directory.appendingPathComponent("a.png"))
    ScratchDirectory.shared.write(SmallFiles.voc, to: directory.appendingPathComponent("a.xml"))
    let (entries, problems) = ManifestReader.read(manifest)
    for problem in problems { precondition(problem.code.hasPrefix("LabelLedger."), "problem without a code: \(problem)") }
    _ = entries
    return 0
}

fuzzMain(fuzzManifest)
