import EventLog
import Foundation
import Synchronization
import Testing
import TestSupport

/// The contract of ``EventStore``, checked the same way on every engine (the embedded segment
/// log and PostgreSQL): ordering, optimistic concurrency, idempotency across a reopen, no gap
/// and no duplicate under concurrent appenders and subscribers, as-of reads by position and
/// time, and `verify` naming a changed byte.
@Suite struct EventStoreConformanceTests {
    @Test(arguments: StoreEngine.allCases)
    func positions_are_gap_free_and_every_read_agrees(_ engine: StoreEngine) async throws {
        let place = try await engine.makePlace()
        defer { Task { await place.remove() } }
        let store = try await place.open()
        var generator = SeededGenerator(seed: 26)
        #expect(try await store.head == 0)
        #expect(try await store.all().isEmpty)
        var expected: [(stream: String, event: ProposedEvent)] = []
        var versions: [String: UInt64] = [:]
        for round in 0..<30 {
            let stream = "dataset-\(round % 4)"
            let events = proposed(Int.random(in: 1...5, using: &generator), tag: "\(round)", using: &generator)
            let result = try await store.append(stream, .exact(versions[stream] ?? 0), events)
            #expect(result.firstPosition == UInt64(expected.count + 1))
            #expect(result.lastPosition == UInt64(expected.count + events.count))
            #expect(result.firstVersion == (versions[stream] ?? 0) + 1)
            #expect(!result.deduplicated)
            versions[stream] = result.lastVersion
            expected += events.map { (stream, $0) }
        }
        #expect(try await store.head == UInt64(expected.count))
        let all = try await store.all()
        #expect(all.map(\.position) == Array(1...UInt64(expected.count)))
        for (event, want) in zip(all, expected) {
            #expect(event.streamID == want.stream)
            #expect(event.eventID == want.event.eventID)
            #expect(event.type == want.event.type)
            #expect(event.schemaVersion == want.event.schemaVersion)
            #expect(event.payload == want.event.payload)
            #expect(event.actor == want.event.actor)
            #expect(event.correlationID == want.event.correlationID)
        }
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.recordedAt <= $1.recordedAt })
        var streamed: [RecordedEvent] = []
        for try await event in store.events(from: 1) { streamed.append(event) }
        #expect(streamed == all)
        #expect(try await store.read(from: 17, limit: 5).prefix(5).map(\.position) == Array(17...21))
        for (stream, version) in versions {
            let events = try await store.read(stream: stream, fromVersion: 1)
            #expect(events.map(\.streamVersion) == Array(1...version))
            #expect(events == all.filter { $0.streamID == stream })
            #expect(try await store.version(of: stream) == version)
            var iterated: [RecordedEvent] = []
            for try await event in store.events(stream: stream, fromVersion: 2) { iterated.append(event) }
            #expect(iterated == Array(events.dropFirst()))
            let last = try #require(events.last)
            #expect(try await store.position(ofStream: stream, version: version) == last.position)
            #expect(try await store.position(ofStream: stream, version: version + 1) == nil)
        }
        #expect(try await store.version(of: "no-such-stream") == 0)
        #expect(try await store.read(stream: "no-such-stream", fromVersion: 1).isEmpty)
        await store.close()
    }

    @Test(arguments: StoreEngine.allCases)
    func an_expected_version_is_enforced_and_a_failed_request_writes_nothing(_ engine: StoreEngine) async throws {
        let place = try await engine.makePlace()
        defer { Task { await place.remove() } }
        let store = try await place.open()
        var generator = SeededGenerator(seed: 7)
        try await store.append("a", .noStream, proposed(2, tag: "a", using: &generator))
        await #expect(throws: LogError.wrongExpectedVersion(stream: "a", expected: 0, actual: 2)) {
            try await store.append("a", .noStream, proposed(1, tag: "x", using: &generator))
        }
        await #expect(throws: LogError.wrongExpectedVersion(stream: "a", expected: 5, actual: 2)) {
            try await store.append("a", .exact(5), proposed(1, tag: "x", using: &generator))
        }
        await #expect(throws: LogError.emptyAppend(stream: "a")) { try await store.append("a", .any, []) }
        await #expect(throws: LogError.invalidStreamID("")) {
            try await store.append("", .any, proposed(1, tag: "x", using: &generator))
        }
        #expect(try await store.head == 2)
        // A multi-append: each request is checked against the ones before it; the failing
        // middle one writes nothing and leaves the others.
        let outcomes = await store.append([
            AppendRequest(stream: "a", expectedVersion: .exact(2), events: proposed(1, tag: "1", using: &generator)),
            AppendRequest(stream: "a", expectedVersion: .exact(2), events: proposed(1, tag: "2", using: &generator)),
            AppendRequest(stream: "a", expectedVersion: .exact(3), events: proposed(2, tag: "3", using: &generator)),
            AppendRequest(stream: "b", expectedVersion: .noStream, events: proposed(1, tag: "4", using: &generator)),
        ])
        #expect(try outcomes[0].get().firstPosition == 3)
        #expect(outcomes[1] == .failure(.wrongExpectedVersion(stream: "a", expected: 2, actual: 3)))
        #expect(try outcomes[2].get() == AppendResult(streamID: "a", firstPosition: 4, lastPosition: 5, firstVersion: 4, lastVersion: 5))
        #expect(try outcomes[3].get().firstPosition == 6)
        #expect(try await store.all().map(\.position) == Array(1...6))
        #expect(try await store.version(of: "a") == 5)
        await store.close()
    }

    @Test(arguments: StoreEngine.allCases)
    func a_command_id_is_written_once_also_after_a_reopen(_ engine: StoreEngine) async throws {
        let place = try await engine.makePlace()
        defer { Task { await place.remove() } }
        var generator = SeededGenerator(seed: 11)
        var store = try await place.open()
        let first = try await store.append("s", .noStream, proposed(3, tag: "c1", using: &generator), commandID: "cmd-1")
        try await store.append("other", .any, proposed(1, tag: "o", using: &generator))
        // Within the same process: the original result, nothing written.
        var again = try await store.append("s", .noStream, proposed(3, tag: "c1", using: &generator), commandID: "cmd-1")
        #expect(again.deduplicated)
        again.deduplicated = false
        #expect(again == first)
        await store.close()
        store = try await place.open()
        #expect(try await store.head == 4)
        // After a reopen: still the original result (its expected version is not checked again).
        let replayed = try await store.append("s", .noStream, proposed(3, tag: "c1", using: &generator), commandID: "cmd-1")
        #expect(replayed.deduplicated)
        #expect(replayed.firstPosition == first.firstPosition && replayed.lastPosition == first.lastPosition)
        await #expect(throws: LogError.commandIDReused(commandID: "cmd-1", originalStream: "s", stream: "t")) {
            try await store.append("t", .any, proposed(1, tag: "t", using: &generator), commandID: "cmd-1")
        }
        // The same id twice in one multi-append: written once.
        let outcomes = await store.append([
            AppendRequest(stream: "u", events: proposed(1, tag: "u", using: &generator), commandID: "cmd-2"),
            AppendRequest(stream: "u", events: proposed(1, tag: "u", using: &generator), commandID: "cmd-2"),
        ])
        #expect(try outcomes[0].get().firstPosition == 5)
        #expect(try outcomes[1].get().firstPosition == 5)
        #expect(try outcomes[1].get().deduplicated)
        #expect(try await store.head == 5)
        #expect(try await store.all().filter { $0.commandID == "cmd-1" }.map(\.position) == [1, 2, 3])
        await store.close()
    }

    /// Eight appenders (one stream each, and one shared stream raced with expected versions)
    /// and three subscribers started at different points: each subscriber sees every position
    /// exactly once, in order, with the events the appenders were told they wrote.
    @Test(arguments: StoreEngine.allCases)
    func concurrent_appenders_and_subscribers_see_no_gap_and_no_duplicate(_ engine: StoreEngine) async throws {
        let place = try await engine.makePlace()
        defer { Task { await place.remove() } }
        let store = try await place.open()
        var generator = SeededGenerator(seed: 64)
        try await store.append("seed", .noStream, proposed(10, tag: "seed", using: &generator))
        let appenders = 8, appendsEach = 20
        var plans: [[[ProposedEvent]]] = []
        for writer in 0..<appenders {
            plans.append((0..<appendsEach).map { n in
                proposed(Int.random(in: 1...3, using: &generator), tag: "w\(writer)-\(n)", using: &generator)
            })
        }
        let total = 10 + plans.joined().reduce(0) { $0 + $1.count }
        let live = (0..<3).map { _ in OneShotSignal() }
        let subscribers = (0..<3).map { index in
            Task { [live] () -> [RecordedEvent] in
                var seen: [RecordedEvent] = []
                for try await event in store.subscribe(from: [1, 5, 11][index], whenLive: { live[index].fire() }) {
                    seen.append(event)
                    if event.position == UInt64(total) { break }
                }
                return seen
            }
        }
        for signal in live { try await signal.wait(seconds: 60, for: "a subscriber to catch up") }
        let wrote = try await withThrowingTaskGroup(of: [(AppendResult, [ProposedEvent])].self) { group in
            for (writer, plan) in plans.enumerated() {
                group.addTask {
                    var results: [(AppendResult, [ProposedEvent])] = []
                    for (n, events) in plan.enumerated() {
                        if n % 4 == 0 {
                            // The shared stream: retry on a conflict with the version found.
                            while true {
                                let version = try await store.version(of: "shared")
                                do {
                                    results.append((try await store.append("shared", .exact(version), events), events))
                                    break
                                } catch LogError.wrongExpectedVersion {
                                    continue
                                }
                            }
                        } else {
                            results.append((try await store.append("writer-\(writer)", .any, events, commandID: "w\(writer)-\(n)"), events))
                        }
                    }
                    return results
                }
            }
            var all: [(AppendResult, [ProposedEvent])] = []
            for try await results in group { all += results }
            return all
        }
        // The appenders' results tile 11...total exactly.
        var byPosition: [UInt64: ProposedEvent] = [:]
        for (result, events) in wrote {
            #expect(result.lastPosition - result.firstPosition + 1 == UInt64(events.count))
            for (offset, event) in events.enumerated() {
                #expect(byPosition.updateValue(event, forKey: result.firstPosition + UInt64(offset)) == nil)
            }
        }
        #expect(Set(byPosition.keys) == Set(11...UInt64(total)))
        let shared = try await store.read(stream: "shared", fromVersion: 1)
        #expect(shared.map(\.streamVersion) == Array(1...UInt64(shared.count)))
        #expect(shared.count == plans.map { plan in plan.enumerated().filter { $0.offset % 4 == 0 }.reduce(0) { $0 + $1.element.count } }.reduce(0, +))
        for (index, subscriber) in subscribers.enumerated() {
            let seen = try await withDeadline(60, waitingFor: "subscriber \(index) to reach \(total)") { try await subscriber.value }
            let from = UInt64([1, 5, 11][index])
            #expect(seen.map(\.position) == Array(from...UInt64(total)), "subscriber \(index)")
            for event in seen where event.position > 10 {
                #expect(event.eventID == byPosition[event.position]?.eventID, "position \(event.position)")
                #expect(event.payload == byPosition[event.position]?.payload, "position \(event.position)")
            }
        }
        await store.close()
    }

    /// The log as it was: a prefix by position, and the position a time names.
    @Test(arguments: StoreEngine.allCases)
    func as_of_reads_by_position_and_by_time(_ engine: StoreEngine) async throws {
        let place = try await engine.makePlace()
        defer { Task { await place.remove() } }
        let store = try await place.open()
        var generator = SeededGenerator(seed: 3)
        let before = Date()
        try await Self.clockPasses(before)
        var marks: [(date: Date, head: UInt64)] = []
        for round in 0..<6 {
            try await store.append("s\(round % 2)", .any, proposed(round + 1, tag: "\(round)", using: &generator))
            let mark = Date()
            marks.append((mark, try await store.head))
            try await Self.clockPasses(mark)
        }
        #expect(try await store.position(at: before) == 0)
        for mark in marks {
            #expect(try await store.position(at: mark.date) == mark.head, "as of \(mark.date)")
            let asOf = try await store.read(from: 1, limit: Int(mark.head)).prefix { $0.position <= mark.head }
            #expect(asOf.map(\.position) == Array(1...mark.head))
            #expect(asOf.allSatisfy { $0.recordedAt <= mark.date })
        }
        #expect(try await store.position(at: Date.distantFuture) == marks.last?.head)
        await store.close()
    }

    /// Returns once the system clock reads a later microsecond than `date`, so that what is
    /// recorded next is strictly after it (a wait on the clock itself, a microsecond or so).
    static func clockPasses(_ date: Date) async throws {
        try await withDeadline(5, waitingFor: "the clock to advance") {
            while (Date().timeIntervalSince1970 * 1_000_000).rounded() <= (date.timeIntervalSince1970 * 1_000_000).rounded() {
                await Task.yield()
            }
        }
    }

    /// One changed byte of one stored event: verify names that very position; the other
    /// events before it still pass.
    @Test(arguments: StoreEngine.allCases)
    func verify_names_the_position_of_a_changed_byte(_ engine: StoreEngine) async throws {
        let place = try await engine.makePlace()
        defer { Task { await place.remove() } }
        let store = try await place.open()
        var generator = SeededGenerator(seed: 5)
        for n in 0..<8 { try await store.append("s", .any, proposed(1, tag: "\(n)", using: &generator)) }
        let clean = try await store.verify()
        #expect(clean.isClean, "\(String(describing: clean.problem))")
        #expect(clean.verifiedHead == 8)
        try await place.flipOneByte(ofEventAt: 5, in: store)
        let report = try await store.verify()
        #expect(report.problem?.kind == .corruption)
        #expect(report.problem?.position == 5, "\(String(describing: report.problem))")
        #expect(report.verifiedHead == 4)
        await store.close()
    }
}
