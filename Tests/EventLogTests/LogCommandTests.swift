#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport
@testable import EventLog

/// The log's integrity through the real command line and server: `verify` writes nothing,
/// `replay --verify`, `rebuild` and `serve` refuse a damaged or tampered log naming the
/// position, a failed `import` is an error (status 1) rather than a usage mistake, and
/// SIGTERM soon after a start on a large log is a clean stop.
@Suite struct LogCommandTests {
    static var executable: URL? { BuiltExecutable.locate("labelledger") }

    /// A data directory (`<root>/log`) holding a small multi-segment log of seeded events on
    /// streams no projection reads (so every projection builds, empty).
    static func makeData(_ name: String = #function, events: Int = 14, segmentSizeLimit: UInt64 = 700) async throws -> TemporaryDirectory {
        let data = TemporaryDirectory(name)
        let log = try EventLog.open(
            directory: data.url.appendingPathComponent("log"),
            configuration: EventLogConfiguration(durability: .none, segmentSizeLimit: segmentSizeLimit))
        var generator = SeededGenerator(seed: 2027)
        for i in 0..<events {
            let length = Int.random(in: 10...120, using: &generator)
            try await log.append(stream: "s\(i % 3)", events: [event(String(repeating: "x", count: length))])
        }
        await log.close()
        return data
    }

    func labelledger(_ arguments: String...) async throws -> FinishedChild {
        try await labelledger(arguments: arguments)
    }

    func labelledger(arguments: [String]) async throws -> FinishedChild {
        let executable = try #require(Self.executable, "labelledger was not built beside the tests")
        return try await ChildProcess.run(executable, arguments: arguments, seconds: 120)
    }

    @Test func verify_writes_nothing_to_the_data_directory() async throws {
        let data = try await Self.makeData()
        defer { data.cleanup() }
        let rebuilt = try await labelledger("rebuild", "--data", data.path)
        #expect(rebuilt.status == 0, "\(rebuilt)")
        let before = try DirectorySnapshot(data.url)
        let verified = try await labelledger("verify", "--data", data.path)
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.output.contains("log OK"), "\(verified)")
        #expect(verified.output.components(separatedBy: "OK at position 14").count == 4, "three projections compared: \(verified)")
        let after = try DirectorySnapshot(data.url)
        #expect(after.differences(from: before).isEmpty, "verify changed \(after.differences(from: before))")
    }

    @Test(arguments: [false, true])
    func replay_verify_and_rebuild_refuse_a_tampered_log_naming_the_position(rehashLater: Bool) async throws {
        let data = try await Self.makeData("tampered\(rehashLater)")
        defer { data.cleanup() }
        #expect(try await labelledger("rebuild", "--data", data.path).status == 0)
        let logPath = data.path + "/log"
        let edited = try LogTamper.editPayload(at: 2, in: logPath, to: Data("forged".utf8), rehashLater: rehashLater)
        // Without re-hashing, the next frame's link breaks; with it, only the anchor (the head, 14) tells.
        let position = rehashLater ? 14 : edited + 1
        for command in [["replay", "--data", data.path, "--verify"], ["rebuild", "--data", data.path]] {
            let result = try await labelledger(arguments: command)
            #expect(result.status == 1, "\(command): \(result)")
            #expect(result.errors.contains("LabelLedger.Log.101"), "\(command): \(result)")
            #expect(result.errors.contains("(position \(position))"), "\(command): \(result)")
        }
        let verified = try await labelledger("verify", "--data", data.path)
        #expect(verified.status == 1)
        #expect(verified.output.contains("corruption at position \(position)"), "\(verified)")
    }

    @Test func serve_refuses_a_damaged_older_segment_naming_the_position() async throws {
        let data = try await Self.makeData()
        defer { data.cleanup() }
        let logDirectory = data.url.appendingPathComponent("log")
        let first = logDirectory.appendingPathComponent(SegmentFile.fileName(firstPosition: 1))
        var bytes = Array(try Data(contentsOf: first))
        #expect(try SegmentFile.list(directory: logDirectory.path).count >= 3)
        // A byte of the second frame's payload: positions 2..., in a sealed segment.
        let frames = try StreamIndex(readOnlyPath: logDirectory.path + "/index.sqlite").frame(containing: 2)!
        bytes[Int(frames.offset) + FrameHeader.size + 3] ^= 0x10
        try Data(bytes).write(to: first)
        let served = try await labelledger("serve", "--data", data.path, "--port", "0", "--no-reactor")
        #expect(!served.killedBySignal, "the server started on a damaged log: \(served)")
        #expect(served.status == 1, "\(served)")
        #expect(served.errors.contains("LabelLedger.Log.101"), "\(served)")
        #expect(served.errors.contains("(position 2)"), "\(served)")
        #expect(!served.output.contains("listening"), "\(served)")
    }

    @Test func a_failed_import_exits_1_with_the_error_alone() async throws {
        let data = TemporaryDirectory()
        defer { data.cleanup() }
        let manifest = data.file("manifest.json")
        try Data("{\"source\": \"missing.png\"}\n".utf8).write(to: manifest)
        let result = try await labelledger("import", "--data", data.path, "--dataset", "absent", manifest.path)
        #expect(result.status == 1, "\(result)")
        #expect(result.errors.hasPrefix("Error: "), "\(result)")
        #expect(!result.errors.contains("USAGE"), "\(result)")
    }

    @Test func a_failed_export_exits_1_with_the_error_alone() async throws {
        let data = TemporaryDirectory()
        defer { data.cleanup() }
        let result = try await labelledger(
            "export", "--data", data.path, "--dataset", "absent", "--format", "coco", data.file("out").path)
        #expect(result.status == 1, "\(result)")
        #expect(result.errors.hasPrefix("Error: "), "\(result)")
        #expect(!result.errors.contains("USAGE"), "\(result)")
    }

    @Test func sigterm_soon_after_start_on_a_large_log_is_a_clean_stop() async throws {
        let executable = try #require(Self.executable, "labelledger was not built beside the tests")
        // Enough events that the reactor is still catching up from position 1 when the signal comes.
        let data = TemporaryDirectory()
        defer { data.cleanup() }
        do {
            let log = try EventLog.open(
                directory: data.url.appendingPathComponent("log"), configuration: EventLogConfiguration(durability: .none))
            for batch in 0..<200 {
                try await log.append(stream: "bulk", events: (0..<1_000).map { event("event \(batch)-\($0)") })
            }
            await log.close()
        }
        let result = try await ChildProcess.run(
            executable, arguments: ["serve", "--data", data.path, "--port", "0"], signal: SIGTERM,
            when: { $0.contains("LabelLedger listening on") }, seconds: 120)
        #expect(result.output.contains("LabelLedger listening on"), "\(result)")
        #expect(!result.killedBySignal, "\(result)")
        #expect(result.status == 0, "\(result)")
        #expect(!result.errors.contains("CancellationError"), "\(result)")
    }
}
