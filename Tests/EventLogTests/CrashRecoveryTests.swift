#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport
@testable import EventLog

/// Starts the real `LogCrashChild` executable, which appends from four tasks and prints
/// every acknowledged event, SIGKILLs it at a seeded random moment, reopens the log and
/// checks that every acknowledged event is present and intact and that appends go on.
///
/// Trials: 50 by default; set `LABELLEDGER_CRASH_TRIALS` for more.
@Suite(.serialized) struct CrashRecoveryTests {
    static var childExecutable: URL? { BuiltExecutable.locate("LogCrashChild") }

    struct Ack: Hashable {
        var position: UInt64
        var stream: String
        var version: UInt64
        var length: Int
        var prefix: String
    }

    @Test func acknowledged_events_survive_sigkill_at_random_moments() async throws {
        let executable = try #require(Self.childExecutable, "LogCrashChild was not built beside the tests")
        let trials = Int(ProcessInfo.processInfo.environment["LABELLEDGER_CRASH_TRIALS"] ?? "") ?? 50
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var generator = SeededGenerator(seed: 0xC0FFEE)
        var acknowledged: [UInt64: Ack] = [:]
        var truncations = 0
        for trial in 0..<trials {
            let policy = trial % 3 == 2 ? "none" : "fsync"
            // Let the child open the log, then append for a random while before the kill.
            let child = try await ChildProcess.runAndKill(
                executable, arguments: [dir.path, String(trial), policy, "65536"], killWhen: { $0.contains("\n") },
                delayMicroseconds: UInt32.random(in: 2_000...60_000, using: &generator))
            try #require(child.output.hasPrefix("OPENED"), "trial \(trial): child said \(child.output.prefix(200))")
            #expect(child.killedBySignal, "trial \(trial): child ended by itself")
            let output = child.output

            for line in output.split(separator: "\n") where line.hasPrefix("ACK ") {
                let f = line.split(separator: " ")
                // The last line may be cut by the kill; a complete ACK has six fields.
                guard f.count == 6, f[5].count == 16, let position = UInt64(f[1]), let version = UInt64(f[3]), let length = Int(f[4])
                else { continue }
                acknowledged[position] = Ack(position: position, stream: String(f[2]), version: version, length: length, prefix: String(f[5]))
            }

            let log = try EventLog.openForTest(dir)
            if log.recovery.truncatedBytes > 0 { truncations += 1 }
            let stored = Dictionary(uniqueKeysWithValues: try log.read(from: 1).map { ($0.position, $0) })
            for ack in acknowledged.values {
                guard let event = stored[ack.position] else {
                    Issue.record("trial \(trial): acknowledged position \(ack.position) is missing (head \(log.head))")
                    continue
                }
                let prefix = event.payload.prefix(8).map { String(format: "%02x", $0) }.joined()
                #expect(event.streamID == ack.stream && event.streamVersion == ack.version, "trial \(trial) position \(ack.position)")
                #expect(event.payload.count == ack.length && prefix == ack.prefix, "trial \(trial) position \(ack.position) payload")
            }
            #expect(try log.verify().isClean, "trial \(trial)")
            #expect(stored.count == Int(log.head), "trial \(trial): gap in the log")
            await log.close()
        }
        // Appends continue after all of it.
        let log = try EventLog.openForTest(dir)
        let head = log.head
        let result = try await log.append(stream: "after", events: [event("still writing")])
        #expect(result.firstPosition == head + 1)
        #expect(acknowledged.count > trials)
        print("crash test: \(trials) kills, \(acknowledged.count) acknowledged events checked, \(truncations) torn tails cut")
    }
}
