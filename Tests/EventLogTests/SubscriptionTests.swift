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
        let live = OneShotSignal()
        let task = Task {
            var positions: [UInt64] = []
            for try await event in log.subscribe(from: 7, whenLive: live.fire) {
                positions.append(event.position)
                if event.position == 12 { break }
            }
            return positions
        }
        try await live.wait(for: "the subscription to reach the head")
        try await log.append(stream: "s", events: [event("11"), event("12")])
        #expect(try await withDeadline(30, waitingFor: "positions 11 and 12") { try await task.value } == [7, 8, 9, 10, 11, 12])
    }

    @Test func closing_the_log_ends_live_subscriptions() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        try await log.append(stream: "s", events: [event("a")])
        let live = OneShotSignal()
        let task = Task {
            var count = 0
            for try await _ in log.subscribe(from: 1, whenLive: live.fire) { count += 1 }
            return count
        }
        try await live.wait(for: "the subscription to go live")
        await log.close()
        #expect(try await withDeadline(30, waitingFor: "the subscription to end") { try await task.value } == 1)
    }

    @Test func cancelling_a_subscriber_ends_it() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        let live = OneShotSignal()
        let task = Task {
            var count = 0
            for try await _ in log.subscribe(from: 1, whenLive: live.fire) { count += 1 }
            return count
        }
        try await live.wait(for: "the subscription to go live")
        task.cancel()
        #expect(try await withDeadline(30, waitingFor: "the cancelled subscription to end") { try await task.value } == 0)
    }

    /// `whenLive` fires once, only after every event that existed at subscription time has
    /// been delivered: a caller that appends after it is guaranteed the live path.
    @Test func whenLive_fires_once_after_the_catch_up() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir, segmentSizeLimit: 4 << 10)
        for i in 0..<50 { try await log.append(stream: "s", events: [event("e\(i)")]) }
        let live = OneShotSignal()
        let deliveredBeforeLive = Task {
            var positions: [UInt64] = []
            var atLive: Int?
            for try await event in log.subscribe(from: 1, whenLive: live.fire) {
                if atLive == nil, live.hasFired { atLive = positions.count }
                positions.append(event.position)
                if event.position == 52 { break }
            }
            return (positions, atLive)
        }
        try await live.wait(for: "the subscription to go live")
        try await log.append(stream: "s", events: [event("51")])
        try await log.append(stream: "s", events: [event("52")])
        let (positions, atLive) = try await withDeadline(30, waitingFor: "positions 51 and 52") { try await deliveredBeforeLive.value }
        #expect(positions == Array(1...52))
        #expect(atLive == 50)
    }
}
