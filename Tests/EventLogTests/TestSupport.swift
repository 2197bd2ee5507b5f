import Foundation
@testable import EventLog

/// A fresh directory under the system temporary directory, removed by `cleanup()`.
struct TemporaryDirectory {
    let url: URL
    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("labelledger-tests")
            .appendingPathComponent("\(safe)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    var path: String { url.path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// A deterministic generator (SplitMix64) so that every "random" test is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
