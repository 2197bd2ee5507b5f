// Fuzzes the tab cursor token (`cursor=` in HTTP queries): a token that parses must
// print as a token that parses to the same cursor.
import Foundation
import FuzzSupport
import Projections

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSampleCursor(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let cursor = SampleCursor(token: text) else { return 0 }
    precondition(SampleCursor(token: cursor.token) == cursor, "cursor \(cursor.token) does not read back")
    return 0
}

fuzzMain(fuzzSampleCursor)
