import Dispatch
import Foundation
import LabelingDomain
import LabelingService
import Testing
import TestSupport
@testable import DatasetInterchange

/// An import reads its source and images off the cooperative thread pool (issue 22: nothing
/// blocks the pool): imports waiting on their files hold up no thread of the pool, so other
/// tasks — a server's handlers, database connections — keep running meanwhile.
@Suite struct ImportOffPoolTests {
    @Test func imports_waiting_for_their_files_hold_no_thread_of_the_cooperative_pool() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try fixture.png("a.png", seed: 1)
        try fixture.png("b.png", seed: 2)
        let manifest = Data("""
            {"source":"a.png","annotation":[{"type":"modelarts/image_classification","name":"cat"}]}
            {"source":"b.png","annotation":[{"type":"modelarts/image_classification","name":"dog"}]}

            """.utf8)
        // More imports than the pool has threads, each manifest a FIFO: reading it waits
        // until a writer opens it. Were each import to read on a pool thread, no thread would
        // be left for the probe below until the manifests are written.
        let count = ProcessInfo.processInfo.activeProcessorCount + 2
        var made: [URL] = []
        for index in 0..<count {
            try await fixture.createDataset(DatasetID("p\(index)"), type: 0, labels: ["cat", "dog"])
            let fifo = fixture.sources.appendingPathComponent("waiting\(index).manifest")
            #expect(mkfifo(fifo.path, 0o600) == 0)
            made.append(fifo)
        }
        let fifos = made
        let imports = fifos.enumerated().map { index, fifo in
            Task {
                try await ImportJob(
                    source: fifo, dataset: DatasetID("p\(index)"), actor: "ana", dryRun: false, partial: false, creation: nil
                ).run(service: fixture.service, events: { _ in })
            }
        }

        // The probe is a task on the pool; the manifests are written when it has run, or (a
        // failure) after a deadline, by threads outside the pool — one per FIFO, as opening
        // one for writing waits for its reader.
        let probeRan = DispatchSemaphore(value: 0)
        let ranWhileWaiting = OneShotSignal()
        let written = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            if probeRan.wait(timeout: .now() + 30) == .success { ranWhileWaiting.fire() }
            for fifo in fifos {
                Thread.detachNewThread {
                    let fd = open(fifo.path, O_WRONLY | O_CLOEXEC)
                    if fd >= 0 {
                        _ = manifest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                        close(fd)
                    }
                    written.signal()
                }
            }
        }
        Task { probeRan.signal() }
        let reports = try await withDeadline(120, waitingFor: "the imports") {
            var reports: [ImportReport] = []
            for task in imports { reports.append(try await task.value) }
            return reports
        }
        try await Blocking.run { for _ in fifos { written.wait() } }
        #expect(ranWhileWaiting.hasFired, "a task waited for the imports' file reads")
        for (index, report) in reports.enumerated() {
            #expect(report.accepted == 2 && report.problems.isEmpty, "import \(index): \(report.problems)")
            let state = try #require(try await fixture.service.state(of: DatasetID("p\(index)")))
            #expect(state.samples.count == 2)
        }
    }
}
