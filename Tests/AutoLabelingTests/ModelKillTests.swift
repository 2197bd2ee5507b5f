import Foundation
import Synchronization
import Testing
import TestSupport
@testable import AutoLabeling

/// Ending a model process waits out its grace second by suspending, not by sleeping a thread
/// of the cooperative pool (issue 22): while more models than the pool has threads are being
/// ended, other tasks still run.
@Suite struct ModelKillTests {
    /// What finished, in order.
    final class Finishes: Sendable {
        let order = Mutex<[String]>([])
        func record(_ name: String) { order.withLock { $0.append(name) } }
    }

    @Test func ending_models_that_ignore_sigterm_holds_no_thread_of_the_pool() async throws {
        // Each ignores SIGTERM, so each kill waits its whole grace second before SIGKILL.
        let count = ProcessInfo.processInfo.activeProcessorCount + 2
        var children: [ChildProcess] = []
        for _ in 0..<count {
            let child = try await ChildProcess.start(
                URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "trap '' TERM; echo ready; while :; do sleep 1; done"])
            _ = await child.read { $0.contains("ready") }
            children.append(child)
        }
        let finishes = Finishes()
        let kills = children.map { child in
            Task {
                await ExternalModelRunner.kill(child.pid)
                finishes.record("kill")
            }
        }
        // Queued after the kills: it runs at once unless every pool thread is asleep in one.
        let probe = Task { finishes.record("probe") }
        await probe.value
        for kill in kills { await kill.value }
        let order = finishes.order.withLock { $0 }
        #expect(order.first == "probe", "the probe waited for a kill's grace second: \(order)")
        for child in children {
            let finished = try await child.finish()
            #expect(finished.killedBySignal, "ended by SIGKILL after the grace second")
        }
    }
}
