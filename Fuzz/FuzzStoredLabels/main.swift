// Fuzzes the projection's label column (StoredLabels): the JSON form and the label index.
// Differential: when the hand-written parser and JSONDecoder both read a text, they agree;
// labels read back must write and read to themselves.
import Foundation
import FuzzSupport
@testable import Projections
import LabelingDomain

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStoredLabels(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = StoredLabels.parseIndex(text)
    let labels = StoredLabels.decode(text)
    var fast = StoredLabels.FastParser(text)
    if let quick = fast.labels() {
        precondition(quick == labels, "decode differs from the fast parser")
    }
    let written = StoredLabels.json(labels)
    precondition(StoredLabels.decode(written) == labels, "labels change through json and decode: \(written)")
    _ = StoredLabels.parseIndex(StoredLabels.index(StoredLabels.counts(labels)))
    return 0
}

fuzzMain(fuzzStoredLabels)
