#if canImport(Glibc)
import Glibc
#endif
import EventLog
import Foundation
import LabelingService
import Testing
import TestSupport
@testable import Projections

/// Starts the real `labelledger-dev project` child, which applies the log to the projections
/// in small transactions, SIGKILLs it at seeded random moments, and checks after each
/// kill that every projection equals a fresh replay up to its own checkpoint: the
/// checkpoint and the rows were committed together, so no event was applied twice and
/// none was skipped. The next child resumes from the checkpoint.
@Suite(.serialized) struct CheckpointCrashTests {
    static var executable: URL? { BuiltExecutable.locate("labelledger-dev") }

    @Test func a_killed_projector_never_applies_an_event_twice_nor_skips_one() async throws {
        let child = try #require(Self.executable, "labelledger-dev was not built beside the tests")
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let logDirectory = directory.url.appendingPathComponent("log")
        do {
            let log = try EventLog.open(directory: logDirectory, configuration: .init(durability: .none))
            let service = DatasetService(log: log, snapshotDirectory: directory.url.appendingPathComponent("snapshots"))
            var workload = Workload(service: service, seed: 0xC4A5)
            try await workload.generate(samples: 200, steps: 450)
            await log.close()
        }
        var rng = SeededGenerator(seed: 0xDEAD)
        var kills = 0
        var previous: [ProjectionKind: UInt64] = [:]
        for trial in 0..<8 {
            let killed = try await ChildProcess.runAndKill(
                child, arguments: ["project", "--data", directory.path, "--batch", "3"], killWhen: { $0.contains("\n") },
                delayMicroseconds: UInt32.random(in: 2_000...60_000, using: &rng))
            try #require(killed.output.hasPrefix("STARTED"), "trial \(trial)")
            if killed.killedBySignal { kills += 1 }

            let log = try EventLog.open(directory: logDirectory, configuration: .init(durability: .none))
            let store = try ProjectionStore.open(directory: directory.url.appendingPathComponent("projections"))
            for kind in ProjectionKind.allCases {
                let checkpoint = try store.checkpoint(kind)
                #expect(checkpoint >= previous[kind, default: 0], "trial \(trial): \(kind) went back")
                previous[kind] = checkpoint
                let scratch = TemporaryDirectory("scratch")
                let fresh = try ProjectionStore.open(directory: scratch.url)
                _ = try Projector.catchUp([fresh.generation(kind)], log: log, upTo: checkpoint, batchSize: 1000, progress: nil)
                #expect(try fresh.checkpoint(kind) == checkpoint)
                #expect(
                    try ProjectionDump.digest(of: kind, in: store) == ProjectionDump.digest(of: kind, in: fresh),
                    "trial \(trial): \(kind) at \(checkpoint) differs from a replay")
                scratch.cleanup()
            }
            await log.close()
        }
        #expect(kills > 0, "the child always finished before the kill: nothing was tested")
        #expect(previous.values.contains { $0 > 0 }, "the child never committed")

        // A last child finishes the job from the checkpoints.
        let text = try await ChildProcess.run(child, arguments: ["project", "--data", directory.path, "--batch", "50"]).output
        let log = try EventLog.open(directory: logDirectory, configuration: .init(durability: .none))
        #expect(text.contains("DONE \(log.head)"))
        let store = try ProjectionStore.open(directory: directory.url.appendingPathComponent("projections"))
        let results = try ReplayVerifier.verify(store: store, log: log, scratch: directory.url.appendingPathComponent("verify"))
        #expect(results.count == ProjectionKind.allCases.count && results.allSatisfy(\.matches))
        #expect(results.allSatisfy { $0.checkpoint == log.head })
        await log.close()
    }
}
