import Foundation
import Testing
import TestSupport
@testable import EventLog

@Suite struct ConcurrentAppendTests {
    @Test(arguments: [DurabilityPolicy.none, .fsync, .batch(interval: .milliseconds(2))])
    func many_concurrent_appenders_leave_no_gap_and_no_duplicate(policy: DurabilityPolicy) async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir, durability: policy, segmentSizeLimit: 16 << 10)
        let writers = 16
        let appendsPerWriter = policy == .none ? 100 : 25
        let results = try await withThrowingTaskGroup(of: [AppendResult].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var results: [AppendResult] = []
                    for n in 0..<appendsPerWriter {
                        let count = 1 + (writer + n) % 3
                        results.append(try await log.append(
                            stream: "stream-\(writer % 4)",
                            events: (0..<count).map { event("w\(writer)-n\(n)-k\($0)") }))
                    }
                    return results
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let total = results.reduce(0) { $0 + Int($1.lastPosition - $1.firstPosition + 1) }
        let events = try await log.allEvents()
        #expect(events.count == total)
        #expect(events.map(\.position) == Array(1...UInt64(total)))
        // Each append's events are contiguous and in its own order.
        for result in results {
            let slice = events[Int(result.firstPosition - 1)..<Int(result.lastPosition)]
            #expect(Set(slice.map(\.streamID)) == [result.streamID])
            #expect(slice.map(\.streamVersion) == Array(result.firstVersion...result.lastVersion))
        }
        // Per stream, versions are 1...n without gaps.
        for stream in 0..<4 {
            let versions = events.filter { $0.streamID == "stream-\(stream)" }.map(\.streamVersion)
            #expect(versions == Array(1...UInt64(versions.count)))
        }
        let report = try log.verify()
        #expect(report.isClean)
        // Group commit: concurrent appends share frames.
        #expect(report.frames < results.count)
    }

    @Test func racing_appends_with_the_same_expected_version_let_exactly_one_win() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        for round in 0..<20 {
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for racer in 0..<8 {
                    group.addTask {
                        do {
                            try await log.append(
                                stream: "contested", expectedVersion: .exact(UInt64(round)),
                                events: [event("r\(round)-\(racer)")])
                            return true
                        } catch let error as LogError {
                            if case let .wrongExpectedVersion(_, expected, actual) = error {
                                return expected == UInt64(round) && actual == UInt64(round + 1) ? false : true
                            }
                            return true
                        } catch { return true }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1, "round \(round)")
        }
        #expect(log.version(of: "contested") == 20)
    }
}
