import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Testing
import TestSupport
@testable import DatasetInterchange

/// Runs the real `labelledger import` of a manifest too large for one event, SIGKILLs it at
/// seeded moments after it announced the append, reopens the data directory and checks that
/// the dataset holds all of the import or none of it, and that the log is intact.
@Suite(.serialized) struct LargeImportCrashTests {
    static var executable: URL? { BuiltExecutable.locate("labelledger") }

    @Test func a_killed_import_leaves_all_of_its_samples_or_none() async throws {
        let child = try #require(Self.executable, "labelledger was not built beside the tests")
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let count = 30_000
        let manifest = try await LargeImportTests.manifest(in: directory.url.appendingPathComponent("sources"), count: count)
        var rng = SeededGenerator(seed: 0x1A9E)
        var outcomes: [Int: Int] = [:]
        for trial in 0..<8 {
            let data = directory.url.appendingPathComponent("data\(trial)")
            let killed = try await ChildProcess.runAndKill(
                child,
                arguments: ["import", "--data", data.path, "--dataset", "big", "--create", "--labels", "cat,dog", manifest.path],
                killWhen: { $0.contains("appending") },
                // Delays spread over the child's time from the announcement to its end: kills
                // land before, while and after the group is written.
                delayMicroseconds: UInt32.random(in: 0...900_000, using: &rng))
            try #require(killed.output.contains("appending \(count) sample(s)"), "trial \(trial): \(killed.output.prefix(300))")

            let log = try EventLog.open(directory: data.appendingPathComponent("log"), configuration: .init(durability: .none))
            let service = DatasetService(log: log, snapshotDirectory: data.appendingPathComponent("snapshots"))
            let samples = try #require(try await service.state(of: "big"), "trial \(trial): the dataset was created first").samples.count
            #expect(samples == 0 || samples == count, "trial \(trial): \(samples) of \(count) samples after the kill")
            #expect(try log.verify().isClean, "trial \(trial)")
            outcomes[samples, default: 0] += 1
            await log.close()
        }
        print("import crash test: outcomes (samples: trials) \(outcomes.sorted { $0.key < $1.key })")
    }
}
