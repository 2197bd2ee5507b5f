import Foundation
import LabelingDomain
import LabelingService
import Testing
@testable import AutoLabeling

/// Tasks from several datasets run in FIFO order with bounded workers, one at a time per dataset.
struct ReactorSchedulingTests {
    @Test func test_tasks_of_three_datasets_run_one_after_another_in_queue_order() async throws {
        let fixture = try ReactorFixture()
        for id in ["a", "b", "c"] { try await fixture.makeDigitsDataset(DatasetID(id), classes: 2, unlabeledPerClass: 4) }
        // Queued before the reactor starts, in the order c, a, b.
        for id in ["c", "a", "b"] { try await fixture.queue(DatasetID(id), TaskID("t-\(id)")) }
        fixture.startReactor(workers: 1)
        var windows: [(start: UInt64, end: UInt64, id: String)] = []
        for id in ["c", "a", "b"] {
            let task = try await fixture.waitFor(DatasetID(id), TaskID("t-\(id)"))
            #expect(task.status == .succeeded)
            let events = try fixture.taskEvents(DatasetID(id), TaskID("t-\(id)"))
            let start = try #require(events.first { if case .taskStarted = $0.event { true } else { false } }).position
            windows.append((start, events.last!.position, id))
        }
        await fixture.finish()
        let byStart = windows.sorted { $0.start < $1.start }
        #expect(byStart.map(\.id) == ["c", "a", "b"])
        // One worker: no two tasks overlap.
        for (first, second) in zip(byStart, byStart.dropFirst()) { #expect(first.end < second.start) }
    }

    @Test func test_a_second_task_of_the_same_dataset_is_refused_while_one_is_active() async throws {
        let fixture = try ReactorFixture()
        try await fixture.makeDigitsDataset("a", classes: 2, unlabeledPerClass: 4)
        try await fixture.queue("a", "t1")
        await #expect(throws: (any Error).self) { try await fixture.queue("a", "t2") }
        fixture.startReactor()
        #expect(try await fixture.waitFor("a", "t1").status == .succeeded)
        await fixture.finish()
    }

    /// A task queued before its dataset was deleted, seen when the reactor catches up:
    /// nothing is appended to the deleted dataset, and the queue goes on to the next task.
    @Test func test_a_task_of_a_deleted_dataset_is_skipped_and_the_queue_goes_on() async throws {
        let fixture = try ReactorFixture()
        try await fixture.makeDigitsDataset("gone", classes: 2, unlabeledPerClass: 4)
        try await fixture.makeDigitsDataset("kept", classes: 2, unlabeledPerClass: 4)
        // Queued, stopped and the dataset deleted while no reactor ran: a restarted reactor
        // whose checkpoint predates all of it replays the queued and stop events.
        try await fixture.queue("gone", "t-gone")
        let at = Instant(Date())
        for command: DatasetCommand in [.requestStop("t-gone", by: "ana", at: at), .markStopped("t-gone", at: at), .deleteDataset(by: "ana", at: at)] {
            _ = try await fixture.service.execute(command, on: "gone", actor: "ana")
        }
        try await fixture.queue("kept", "t-kept")
        let deletedAt = fixture.log.head - 1
        fixture.startReactor(workers: 1)
        #expect(try await fixture.outcome("kept", "t-kept").status == .succeeded)
        #expect(try await fixture.outcome("gone", "t-gone").status == .stopped)
        let gone = try fixture.log.read(stream: StreamNames.dataset("gone"))
        await fixture.finish()
        #expect(gone.last?.type == "DatasetDeleted" && gone.last?.position == deletedAt)
    }
}
