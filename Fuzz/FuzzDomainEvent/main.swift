// Fuzzes the decoding of event payloads (protobuf) with their upcasters.
//
// Input: byte 0 picks the event type (an index into the sorted type names), byte 1 the
// schema version (0 to 3, so versions never written and newer ones are tried too), the
// rest is the payload. An event that decodes must encode and decode to itself.
import Foundation
import FuzzSupport
import LabelingDomain

let eventTypes = DomainEvent.currentSchemaVersions.keys.sorted()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDomainEvent(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count >= 2 else { return 0 }
    let input = fuzzInput(start, count)
    let type = eventTypes[Int(input[input.startIndex]) % eventTypes.count]
    let version = UInt32(input[input.startIndex + 1] % 4)
    guard let event = try? DomainEvent.decode(type: type, schemaVersion: version, payload: input.dropFirst(2)) else {
        return 0
    }
    let encoded = event.encode()
    precondition(encoded.type == type, "\(type) re-encodes as \(encoded.type)")
    let again: DomainEvent
    do {
        again = try DomainEvent.decode(type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload)
    } catch {
        preconditionFailure("a decoded \(type) does not decode after encoding: \(error)")
    }
    precondition(again == event, "a decoded \(type) changes through encode and decode")
    return 0
}

fuzzMain(fuzzDomainEvent)
