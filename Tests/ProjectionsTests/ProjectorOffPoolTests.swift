import Dispatch
import Foundation
import LabelingDomain
import Synchronization
import Testing
import TestSupport
@testable import Projections

/// The projector's SQLite work runs off the cooperative thread pool (issue 22): catch-ups
/// waiting for SQLite — here each projection's writer held by another thread — hold up no
/// thread of the pool, so other tasks keep running meanwhile.
@Suite struct ProjectorOffPoolTests {
    @Test func catch_ups_waiting_for_sqlite_hold_no_thread_of_the_cooperative_pool() async throws {
        // More projectors than the pool has threads: were each catch-up to wait on a pool
        // thread, no thread would be left for the probe below until one is released.
        let count = ProcessInfo.processInfo.activeProcessorCount + 2
        var fixtures: [ProjectionFixture] = []
        for index in 0..<count {
            let fixture = try ProjectionFixture(name: "offpool\(index)")
            let dataset = DatasetID("p/\(index)")
            _ = try await fixture.service.execute(
                .createDataset(
                    id: dataset, name: "d\(index)", typeCode: 0, labels: [LabelDefinition(name: "cat", color: "#112233")],
                    description: "", by: "ada", at: Instant(microsecondsSince1970: baseInstant)),
                on: dataset, actor: "ada")
            fixtures.append(fixture)
        }
        defer { for fixture in fixtures { Task { await fixture.cleanup() } } }

        // Hold every datasets projection's writer: each projector's batch waits for it.
        let release = DispatchSemaphore(value: 0)
        for fixture in fixtures {
            let held = DispatchSemaphore(value: 0)
            let pool = fixture.store.database(.datasets)
            Thread.detachNewThread {
                try? pool.writeWithoutTransaction { _ in
                    held.signal()
                    release.wait()
                }
            }
            held.wait()
        }
        let catchUps = fixtures.map { fixture in Task { try await fixture.projector.catchUp() } }

        // The probe is a task on the pool; the writers are released when it has run, or (a
        // failure) after a deadline, by a thread outside the pool.
        let probeRan = DispatchSemaphore(value: 0)
        let ranWhileHeld = ProbeOutcome()
        let released = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            ranWhileHeld.value.store(probeRan.wait(timeout: .now() + 60) == .success, ordering: .relaxed)
            for _ in 0..<count { release.signal() }
            released.signal()
        }
        Task { probeRan.signal() }
        for task in catchUps { _ = try await task.value }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                released.wait()
                continuation.resume()
            }
        }
        let ran = ranWhileHeld.value.load(ordering: .relaxed)
        #expect(ran, "a task waited for the projectors' SQLite work")
        for fixture in fixtures {
            #expect(try await fixture.projector.checkpoint() == fixture.log.head, "the held batches were applied afterwards")
        }
    }
}

/// Whether the probe ran while the writers were held (set once, by the releasing thread).
final class ProbeOutcome: Sendable {
    let value = Atomic<Bool>(false)
}
