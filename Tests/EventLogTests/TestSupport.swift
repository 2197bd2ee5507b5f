import Foundation
import TestSupport
@testable import EventLog

func event(_ body: String, type: String = "TestEvent", actor: String = "tester") -> ProposedEvent {
    ProposedEvent(type: type, payload: Data(body.utf8), actor: actor)
}

extension EventLog {
    /// Opens with `.none` durability unless told otherwise: tests check logic, not the disk.
    static func openForTest(
        _ directory: TemporaryDirectory, durability: DurabilityPolicy = .none, segmentSizeLimit: UInt64 = 128 << 20
    ) throws -> EventLog {
        try EventLog.open(
            directory: directory.url,
            configuration: EventLogConfiguration(durability: durability, segmentSizeLimit: segmentSizeLimit))
    }

    func allEvents() async throws -> [RecordedEvent] {
        var result: [RecordedEvent] = []
        for try await event in events(from: 1) { result.append(event) }
        return result
    }
}

/// The frames of a log as the index records them, for oracles in corruption tests.
func indexedFrames(_ directory: TemporaryDirectory) throws -> [FrameLocation] {
    let index = try StreamIndex(path: directory.path + "/index.sqlite")
    var frames: [FrameLocation] = []
    var position: UInt64 = 1
    while let frame = try index.frame(containing: position) {
        frames.append(frame)
        position = frame.lastPosition + 1
    }
    return frames
}
