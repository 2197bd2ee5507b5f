import Foundation
import LabelingDomain
import Testing
@testable import Projections

/// The tasks projection: each task's status, progress, metrics, counts, result, nested
/// phases and event history, as the service's task views show them.
@Suite struct TaskHistoryTests {
    @Test func a_task_lifecycle_is_recorded_with_its_events_counts_and_phases() async throws {
        let fixture = try ProjectionFixture()
        var w = Workload(service: fixture.service, seed: 51)
        try await w.create(samples: 30)
        try await w.seedLabels(perLabel: 6)
        let t0 = w.now()
        try await w.run(.requestAutoLabeling(taskID: "t1", type: .autoLabel, algorithm: .accurate, model: nil,
            targetAccuracy: 0.9, by: "ana", at: t0), actor: "ana")
        try await fixture.projector.catchUp()
        var view = try #require(try fixture.queries.task("t1", of: "ds"))
        #expect(view.status == .queuing)
        #expect(view.phases.map(\.status) == ["waiting", "waiting", "waiting", "waiting", "waiting"])

        let t1 = w.now()
        try await w.run(.startTask("t1", at: t1), actor: "auto-labeling")
        try await w.run(.runTask("t1", at: w.now()), actor: "auto-labeling")
        try await w.run(.reportProgress("t1", processed: 5, total: 18, percent: 27.5, phase: .labeling, at: w.now()), actor: "auto-labeling")
        try await fixture.projector.catchUp()
        view = try #require(try fixture.queries.task("t1", of: "ds"))
        #expect(view.status == .running)
        #expect(view.progress == 27.5)
        #expect(view.processed == 5 && view.total == 18)
        #expect(view.phases.map(\.status) == ["success", "success", "running", "waiting", "waiting"])

        try await w.run(.finishTraining("t1", metrics: ["accuracy": 0.93, "loss": 0.2], at: w.now()), actor: "auto-labeling")
        let unlabeled = w.ids(try await w.state(), in: .unlabeled).prefix(3)
        try await w.run(.recordAutoLabels("t1", unlabeled.map {
            SamplePrediction(sampleID: $0, labels: [PredictedLabel(name: "cat", score: 0.8)])
        }), actor: "auto-labeling")
        try await w.run(.recordHardExamples("t1", [HardExampleReport(sampleID: unlabeled.first!, reasonCodes: [1], coefficient: 0.9)]),
            actor: "auto-labeling")
        let end = w.now()
        try await w.run(.succeedTask("t1", counts: TaskResultCounts(
            totalSamples: 18, autoLabeledSamples: 3, hardExamples: 1, flattenedRGBAImages: 2), at: end), actor: "auto-labeling")
        // A failed pre-label task and a task stopped while queued.
        try await w.run(.requestAutoLabeling(taskID: "t2", type: .preLabel, algorithm: .fast,
            model: ModelRef(name: "net-ds", version: "1"), targetAccuracy: nil, by: "ben", at: w.now()), actor: "ben")
        try await w.run(.startTask("t2", at: w.now()), actor: "auto-labeling")
        try await w.run(.runTask("t2", at: w.now()), actor: "auto-labeling")
        try await w.run(.failTask("t2", code: "LabelLedger.Task.007", message: "model exited with 3", at: w.now()), actor: "auto-labeling")
        try await w.run(.requestAutoLabeling(taskID: "t3", type: .autoLabel, algorithm: .fast, model: nil,
            targetAccuracy: nil, by: "chen", at: w.now()), actor: "chen")
        try await w.run(.requestStop("t3", by: "chen", at: w.now()), actor: "chen")
        try await w.run(.markStopped("t3", at: w.now()), actor: "auto-labeling")
        try await fixture.projector.catchUp()

        view = try #require(try fixture.queries.task("t1", of: "ds"))
        #expect(view.status == .succeeded)
        #expect(view.algorithm == .accurate && view.targetAccuracy == 0.9 && view.requestedBy == "ana")
        #expect(view.progress == 100)
        #expect(view.metrics == ["accuracy": 0.93, "loss": 0.2])
        #expect(view.autoLabeledSamples == 3 && view.hardExamples == 1)
        #expect(view.result == TaskResultCounts(totalSamples: 18, autoLabeledSamples: 3, hardExamples: 1, flattenedRGBAImages: 2))
        #expect(view.startedAt == t1 && view.endedAt == end)
        #expect(view.elapsedMicroseconds == end.microsecondsSince1970 - t1.microsecondsSince1970)
        #expect(view.phases.allSatisfy { $0.status == "success" })
        #expect(view.events.map(\.type) == [
            "AutoLabelTaskQueued", "TaskStarted", "TaskRunning", "TaskProgressed", "TaskTrainingFinished",
            "SamplesAutoLabeled", "HardExamplesDetected", "TaskSucceeded",
        ])
        #expect(view.events.map(\.status) == [.queuing, .initializing, .running, .running, .running, .running, .running, .succeeded])
        #expect(view.events.map(\.position) == view.events.map(\.position).sorted())

        let failed = try #require(try fixture.queries.task("t2", of: "ds"))
        #expect(failed.status == .failed && failed.type == .preLabel && failed.model == "net-ds:1")
        #expect(failed.failureCode == "LabelLedger.Task.007" && failed.failureMessage == "model exited with 3")
        #expect(failed.phases.map(\.status) == ["success", "success", "failed", "waiting", "waiting"])
        let stopped = try #require(try fixture.queries.task("t3", of: "ds"))
        #expect(stopped.status == .stopped && stopped.stopRequestedBy == "chen" && stopped.startedAt == nil)
        #expect(stopped.events.map(\.status) == [.queuing, .stopping, .stopped])

        // History lists: newest first, filtered by type, paged, with the total.
        let all = try fixture.queries.tasks(of: "ds")
        #expect(all.totalCount == 3 && all.tasks.map(\.id) == ["t3", "t2", "t1"])
        let autoLabel = try fixture.queries.tasks(of: "ds", type: .autoLabel, offset: 1, limit: 1)
        #expect(autoLabel.totalCount == 2 && autoLabel.tasks.map(\.id) == ["t1"])
        // Same statuses as the domain.
        let state = try await w.state()
        for task in all.tasks { #expect(task.status == state.tasks[task.id]?.status) }
        #expect(throws: ProjectionError.self) { try fixture.queries.tasks(of: "ds", limit: 0) }
        await fixture.cleanup()
    }

    @Test func the_samples_a_task_skipped_are_kept_with_their_reasons() async throws {
        let fixture = try ProjectionFixture()
        var w = Workload(service: fixture.service, seed: 52)
        try await w.create(samples: 40)
        try await w.seedLabels(perLabel: 6)
        for task: TaskID in ["t1", "t2"] {
            try await w.run(.requestAutoLabeling(taskID: task, type: .autoLabel, algorithm: .fast, model: nil,
                targetAccuracy: nil, by: "ana", at: w.now()), actor: "ana")
            try await w.run(.startTask(task, at: w.now()), actor: "auto-labeling")
            try await w.run(.runTask(task, at: w.now()), actor: "auto-labeling")
            let skipped = task == "t1"
                ? [SkippedSample(sampleID: "broken-1", reason: "not a PNG or JPEG file"),
                   SkippedSample(sampleID: "broken-2", reason: "no source path recorded")]
                : []
            try await w.run(.succeedTask(task, counts: TaskResultCounts(
                totalSamples: 8, autoLabeledSamples: 6, hardExamples: 0, flattenedRGBAImages: 0, skippedSamples: skipped),
                at: w.now()), actor: "auto-labeling")
        }
        try await w.run(.requestAutoLabeling(taskID: "t3", type: .autoLabel, algorithm: .fast, model: nil,
            targetAccuracy: nil, by: "ana", at: w.now()), actor: "ana")
        try await fixture.projector.catchUp()
        let skipped = try fixture.queries.skippedSamples(of: "ds", tasks: ["t1", "t2", "t3", "unknown"])
        #expect(skipped["t1"] == [
            SkippedSample(sampleID: "broken-1", reason: "not a PNG or JPEG file"),
            SkippedSample(sampleID: "broken-2", reason: "no source path recorded"),
        ])
        #expect(skipped["t2"] == [])
        #expect(skipped["t3"] == nil, "a task that has not succeeded has no result yet")
        #expect(skipped["unknown"] == nil)
        let history = try #require(try fixture.queries.task("t1", of: "ds")).events.last
        #expect(history?.detail.hasSuffix("2 skipped") == true)
        await fixture.cleanup()
    }
}
