// Fuzzes the image folder reader (FolderReader): label sub-folders, `.txt` label lists,
// Pascal VOC `.xml` beside images.
//
// Input: files separated by a 0x00 byte, each `relative/path\ncontent`; paths are kept to
// at most one folder level and to names without `..`. A file whose path the input made
// impossible (`a` written as a file, then `a/b`) is left out, as no folder can hold both.
import DatasetInterchange
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageFolder(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let root = ScratchDirectory.shared.fresh()
    let input = UnsafeRawBufferPointer(start: start, count: count)
    for part in input.split(separator: 0, omittingEmptySubsequences: true).prefix(16) {
        guard let newline = part.firstIndex(of: 0x0A) else { continue }
        let path = String(decoding: part[part.startIndex..<newline], as: UTF8.self)
        let components = path.split(separator: "/").filter { $0 != "." && $0 != ".." }
        guard (1...2).contains(components.count), components.allSatisfy({ $0.utf8.count <= 64 }) else { continue }
        ScratchDirectory.shared.writeIfPossible(
            part[(newline + 1)...], to: root.appendingPathComponent(components.joined(separator: "/")))
    }
    let (entries, problems) = FolderReader.read(root)
    for problem in problems { precondition(problem.code.hasPrefix("LabelLedger."), "problem without a code: \(problem)") }
    _ = entries
    return 0
}

fuzzMain(fuzzImageFolder)
