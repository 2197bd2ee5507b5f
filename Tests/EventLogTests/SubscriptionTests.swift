import Foundation
import Testing
import TestSupport
@testable import EventLog

@Suite struct SubscriptionTests {
    @Test func a_subscription_catches_up_then_goes_live_without_gap_or_duplicate() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir, segmentSizeLimit: 8 << 10)
        for i in 0..<100 { try await log.append(stream: "s", events: [event("before-\(i)")]) }
        let total = 400
        let received = Task {
            var positions: [UInt64] = []
            for try await event in log.subscribe(from: 1) {
                positions.append(event.position)
                if positions.count == total { break }
            }
            return positions
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<3 {
                group.addTask {
                    for i in 0..<100 { try await log.append(stream: "w\(writer)", events: [event("live-\(i)")]) }
                }
            }
            try await group.waitForAll()
        }
        let positions = try await received.value
        #expect(positions == Array(1...UInt64(total)))
    }

    @Test func a_subscription_from_the_middle_starts_exactly_there() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        try await log.append(stream: "s", events: (0..<10).map { event("e\($0)") })
        let task = Task {
            var positions: [UInt64] = []
            for try await event in log.subscribe(from: 7) {
                positions.append(event.position)
                if event.position == 12 { break }
            }
            return positions
        }
        try await Task.sleep(for: .milliseconds(30))
        try await log.append(stream: "s", events: [event("11"), event("12")])
        #expect(try await task.value == [7, 8, 9, 10, 11, 12])
    }

    @Test func closing_the_log_ends_live_subscriptions() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        try await log.append(stream: "s", events: [event("a")])
        let task = Task {
            var count = 0
            for try await _ in log.subscribe(from: 1) { count += 1 }
            return count
        }
        try await Task.sleep(for: .milliseconds(30))
        await log.close()
        #expect(try await task.value == 1)
    }

    @Test func cancelling_a_subscriber_ends_it() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        let task = Task {
            var count = 0
            for try await _ in log.subscribe(from: 1) { count += 1 }
            return count
        }
        try await Task.sleep(for: .milliseconds(30))
        task.cancel()
        #expect(try await task.value == 0)
    }
}
