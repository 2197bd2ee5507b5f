// Fuzzes the decoding of dataset snapshots (DatasetSnapshotCodec): a snapshot that
// decodes must encode and decode to the same state.
import Foundation
import FuzzSupport
import LabelingDomain

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDatasetSnapshot(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let state = try? DatasetSnapshotCodec.decode(fuzzInput(start, count)) else { return 0 }
    let again: DatasetState
    do {
        again = try DatasetSnapshotCodec.decode(DatasetSnapshotCodec.encode(state))
    } catch {
        preconditionFailure("a decoded snapshot does not decode after encoding: \(error)")
    }
    precondition(again == state, "a decoded snapshot changes through encode and decode")
    return 0
}

fuzzMain(fuzzDatasetSnapshot)
