import Foundation
import LabelingDomain
import Testing
import TestSupport
@testable import AutoLabeling

/// A task interrupted by a reactor shutdown is never stranded: the checkpoint stays below its
/// queued event until its end is in the log, so the next start resumes it; a checkpoint an
/// older build wrote past such a task is not trusted; a stop request reaches a task no worker
/// runs. (The same through a real server killed with SIGTERM and SIGKILL:
/// `ServerRestartTests` in LabelLedgerServerTests.)
@Suite(.serialized) struct ReactorRestartTests {
    static let model = ModelRef(name: "gated", version: "1")

    /// A two-class digits dataset and a registered ``GatedModel`` (the model waits for `go`).
    func arrange(_ fixture: ReactorFixture) async throws -> GatedModel {
        try await fixture.makeDigitsDataset("ds", classes: 2, unlabeledPerClass: 3)
        let gated = GatedModel(directory: fixture.directory.file("model"), label: "0")
        _ = try await fixture.service.execute(.registerModel(
            Self.model, type: .imageClassification, commandLine: gated.commandLine, timeoutSeconds: 120, by: "ops",
            at: Instant(Date())), actor: "ops")
        return gated
    }

    /// The task as an older build left it: running, its queued event behind the checkpoint.
    func strand(_ fixture: ReactorFixture, checkpoint text: String) async throws {
        try await fixture.queue("ds", "t1", type: .preLabel, model: Self.model)
        for command: DatasetCommand in [.startTask("t1", at: Instant(Date())), .runTask("t1", at: Instant(Date()))] {
            _ = try await fixture.service.execute(command, on: "ds", actor: "auto-labeling")
        }
        let url = ReactorCheckpoint(dataDirectory: fixture.dataURL).url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.replacingOccurrences(of: "HEAD", with: "\(fixture.log.head)").utf8).write(to: url)
    }

    @Test func test_a_task_cancelled_by_a_shutdown_resumes_on_the_next_start() async throws {
        let fixture = try ReactorFixture()
        let gated = try await arrange(fixture)
        try await fixture.queue("ds", "t1", type: .preLabel, model: Self.model)
        let queuedAt = try #require(try fixture.taskEvents("ds", "t1").first?.position)
        fixture.startReactor()
        try await gated.waitUntilStarted()
        await fixture.stop()  // a graceful shutdown: the reactor and its worker are cancelled

        let checkpoint = try ReactorCheckpoint(dataDirectory: fixture.dataURL).load()
        try fixture.open()
        let interrupted = try #require(try await fixture.service.state(of: "ds")?.tasks["t1"])
        gated.open()
        fixture.startReactor()
        let task = try await fixture.waitFor("ds", "t1", seconds: 60)
        let state = try #require(try await fixture.service.state(of: "ds"))
        let percents = try fixture.taskEvents("ds", "t1").compactMap { item -> Double? in
            if case .taskProgressed(let e) = item.event { e.percent } else { nil }
        }
        await fixture.finish()

        #expect(interrupted.status == .running)
        // The whole task's progress: it never goes back (the resumed task decodes again) and
        // stays below 100 (only success is 100), whatever phase it is in.
        #expect(interrupted.progress?.percent == TaskPhase.initialize.span.upperBound)
        #expect(percents == percents.sorted() && percents.allSatisfy { $0 < 100 }, "\(percents)")
        #expect(percents.last == TaskPhase.end.span.lowerBound)
        #expect(checkpoint == .trusted(queuedAt - 1), "the checkpoint passed the interrupted task's queued event")
        #expect(task.status == .succeeded)
        #expect(state.activeTaskID == nil)
        #expect(state.samples.values.filter { $0.state == .toBeConfirmed }.count == 6)
    }

    @Test func test_a_task_stranded_behind_an_older_checkpoint_resumes() async throws {
        let fixture = try ReactorFixture()
        let gated = try await arrange(fixture)
        try await strand(fixture, checkpoint: "HEAD\n")
        gated.open()
        fixture.startReactor()
        let task = try await fixture.waitFor("ds", "t1", seconds: 60)
        await fixture.stop()
        let checkpoint = try ReactorCheckpoint(dataDirectory: fixture.dataURL).load()
        let head = fixture.log.head
        fixture.directory.cleanup()

        #expect(task.status == .succeeded)
        #expect(checkpoint == .trusted(head), "the shutdown stores a checkpoint of the current format")
    }

    @Test func test_a_stop_request_for_a_task_no_worker_runs_is_recorded_as_stopped() async throws {
        let fixture = try ReactorFixture()
        _ = try await arrange(fixture)
        // A checkpoint that passed a running task, as only an older build could write it.
        try await strand(fixture, checkpoint: "v2 HEAD\n")
        fixture.startReactor()
        _ = try await fixture.service.execute(.requestStop("t1", by: "ana", at: Instant(Date())), on: "ds", actor: "ana")
        let task = try await fixture.waitFor("ds", "t1", seconds: 30)
        let state = try #require(try await fixture.service.state(of: "ds"))
        await fixture.finish()

        #expect(task.status == .stopped)
        #expect(state.activeTaskID == nil)
    }
}
