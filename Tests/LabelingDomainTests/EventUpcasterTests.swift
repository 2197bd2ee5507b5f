import Foundation
import LabelingDomain
import Testing

@Suite struct EventUpcasterTests {
    /// A v1 "AutoLabelTaskQueued" payload as version 1 wrote it:
    /// task_id "t-old", task_type PRE_LABEL, algorithm FAST (default, absent),
    /// model "resnet:3", requested_by "ana", at_micros 1_700_000_000_000_000.
    /// Bytes written by hand from the v1 message definition, so the test does
    /// not depend on the generated v1 type.
    static let v1Payload = Data(
        [0x0A, 0x05] + Array("t-old".utf8)
            + [0x10, 0x01]
            + [0x22, 0x08] + Array("resnet:3".utf8)
            + [0x2A, 0x03] + Array("ana".utf8)
            + [0x30] + varint(1_700_000_000_000_000))

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }

    @Test func a_v1_auto_label_task_queued_decodes_into_the_current_event() throws {
        let event = try DomainEvent.decode(type: "AutoLabelTaskQueued", schemaVersion: 1, payload: Self.v1Payload)
        #expect(event == .autoLabelTaskQueued(AutoLabelTaskQueued(
            taskID: "t-old", taskType: .preLabel, algorithm: .fast, model: ModelRef(name: "resnet", version: "3"),
            targetAccuracy: 0.95, requestedBy: "ana", at: Instant(microsecondsSince1970: 1_700_000_000_000_000))))
    }

    @Test func a_v1_active_learning_task_has_no_model() throws {
        let payload = Data([0x0A, 0x02] + Array("t2".utf8) + [0x18, 0x01])
        let event = try DomainEvent.decode(type: "AutoLabelTaskQueued", schemaVersion: 1, payload: payload)
        guard case .autoLabelTaskQueued(let queued) = event else { Issue.record("wrong event"); return }
        #expect(queued.model == nil)
        #expect(queued.algorithm == .accurate)
        #expect(queued.taskType == .autoLabel)
    }

    @Test func the_current_version_is_read_without_upcasting() throws {
        let event = everyEvent.first { $0.typeName == "AutoLabelTaskQueued" }!
        #expect(event.schemaVersion == 2)
        let encoded = event.encode()
        #expect(try EventUpcaster.upcast(type: encoded.type, schemaVersion: 2, payload: encoded.payload) == encoded.payload)
    }

    @Test func an_unreadable_v1_payload_is_malformed() {
        #expect(throws: DomainError.self) {
            try DomainEvent.decode(type: "AutoLabelTaskQueued", schemaVersion: 1, payload: Data([0x0A, 0x09, 0x41]))
        }
    }
}
