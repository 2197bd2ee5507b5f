import Foundation
import SwiftProtobuf

extension DomainEvent {
    /// The event's payload in protobuf's canonical JSON mapping (lowerCamelCase field names,
    /// 64-bit integers as strings, default values left out): the same message the log stores
    /// in binary, for comparisons (what the events would take as JSON lines) and inspection.
    ///
    /// Invariant: it names the same fields and values as ``encode()``'s payload.
    public func jsonPayload() throws -> String {
        try payloadMessage.jsonString()
    }
}
