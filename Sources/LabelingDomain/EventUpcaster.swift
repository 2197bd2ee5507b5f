import Foundation
import SwiftProtobuf

/// Brings an event payload written under an older schema version up to the
/// version this build reads, one step at a time (v1 → v2 → … → current).
///
/// Each step is a pure function from the bytes of version `n` to the bytes
/// of version `n + 1`, registered in ``steps`` under `(type, n)`. Steps are
/// never removed: the log keeps old versions forever. To change an event's
/// payload incompatibly: keep the old message in labeling_events.proto as
/// `<Name>V<n>`, bump its entry in ``DomainEvent/currentSchemaVersions``, and
/// add the step here with a test that decodes a stored old payload.
public enum EventUpcaster {
    /// Upcasts `payload` from `schemaVersion` to the current version of `type`.
    ///
    /// - Throws: ``DomainError/unknownEventType(_:)``,
    ///   ``DomainError/unsupportedSchemaVersion(type:version:)`` when the version
    ///   is 0, newer than this build, or has no step, and
    ///   ``DomainError/malformedPayload(type:reason:)`` when a step cannot read it.
    public static func upcast(type: String, schemaVersion: UInt32, payload: Data) throws(DomainError) -> Data {
        guard let current = DomainEvent.currentSchemaVersions[type] else { throw .unknownEventType(type) }
        guard schemaVersion >= 1, schemaVersion <= current else {
            throw .unsupportedSchemaVersion(type: type, version: schemaVersion)
        }
        var version = schemaVersion
        var bytes = payload
        while version < current {
            guard let step = steps[StepKey(type: type, from: version)] else {
                throw .unsupportedSchemaVersion(type: type, version: version)
            }
            do {
                bytes = try step(bytes)
            } catch {
                throw error.inPayload(type)
            }
            version += 1
        }
        return bytes
    }

    struct StepKey: Hashable {
        var type: String
        var from: UInt32
    }

    typealias Step = @Sendable (Data) throws(DomainError) -> Data

    static let steps: [StepKey: Step] = [
        StepKey(type: "AutoLabelTaskQueued", from: 1): autoLabelTaskQueuedV1toV2
    ]

    /// v1 held the pre-label model as one `"name:version"` string and had no
    /// target accuracy. v2: a `ModelRef` message (absent for active learning),
    /// and the target accuracy, which v1 tasks ran with at the default 0.95.
    /// A v1 model string without ':' is a name with an empty version.
    static func autoLabelTaskQueuedV1toV2(_ payload: Data) throws(DomainError) -> Data {
        let v1: Labelledger_Domain_AutoLabelTaskQueuedV1
        do {
            v1 = try Labelledger_Domain_AutoLabelTaskQueuedV1(serializedBytes: payload)
        } catch {
            throw .malformed("v1: \(error)")
        }
        var v2 = Labelledger_Domain_AutoLabelTaskQueued()
        v2.taskID = v1.taskID
        v2.taskType = v1.taskType
        v2.algorithm = v1.algorithm
        if !v1.model.isEmpty {
            let parts = v1.model.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            v2.model.name = String(parts[0])
            v2.model.version = parts.count > 1 ? String(parts[1]) : ""
        }
        v2.targetAccuracy = AutoLabelTaskQueued.defaultTargetAccuracy
        v2.requestedBy = v1.requestedBy
        v2.atMicros = v1.atMicros
        return v2.deterministicBytes()
    }
}
