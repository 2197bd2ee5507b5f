import Foundation
import LabelingDomain
import Testing
import TestSupport
@testable import AutoLabeling

/// A stop request ends a running task (status 4 → 5) and kills its model process; a queued
/// task that is asked to stop never starts.
struct ReactorStopTests {
    @Test func test_stop_request_stops_a_running_task_and_its_model() async throws {
        let fixture = try ReactorFixture()
        try await fixture.makeDigitsDataset("ds", classes: 2, unlabeledPerClass: 3)
        let marker = fixture.directory.file("model-running")
        let model = ModelRef(name: "sleeper", version: "1")
        _ = try await fixture.service.execute(.registerModel(
            model, type: .imageClassification, commandLine: ["/bin/sh", "-c", "touch \(marker.path); sleep 30", "sh"],
            timeoutSeconds: 120, by: "ops", at: Instant(Date())), actor: "ops")
        fixture.startReactor()
        try await fixture.queue("ds", "t1", type: .preLabel, model: model)
        try await fixture.waitFor("ds", "t1") { $0 == .running }
        try await GatedModel.waitForFile(marker, seconds: 30)
        let asked = Date()
        _ = try await fixture.service.execute(.requestStop("t1", by: "ana", at: Instant(Date())), on: "ds", actor: "ana")
        let task = try await fixture.waitFor("ds", "t1", seconds: 20)
        print("stop took \(Date().timeIntervalSince(asked)) s")
        let state = try #require(try await fixture.service.state(of: "ds"))
        await fixture.finish()
        #expect(task.status == .stopped)
        // A stopped task keeps the whole task's progress it reached (the model was running:
        // decoding done), never 100: only success is 100.
        #expect(task.progress?.percent == TaskPhase.initialize.span.upperBound)
        #expect(state.activeTaskID == nil)
        #expect(state.samples.values.allSatisfy { $0.state != .toBeConfirmed })
    }

    @Test func test_stop_request_for_a_queued_task_stops_it_without_starting() async throws {
        let fixture = try ReactorFixture()
        for id in ["a", "b"] { try await fixture.makeDigitsDataset(DatasetID(id), classes: 2, unlabeledPerClass: 3) }
        try await fixture.queue("a", "ta")
        try await fixture.queue("b", "tb")
        _ = try await fixture.service.execute(.requestStop("tb", by: "ana", at: Instant(Date())), on: "b", actor: "ana")
        fixture.startReactor()
        let stopped = try await fixture.waitFor("b", "tb")
        let other = try await fixture.waitFor("a", "ta")
        let events = try fixture.taskEvents("b", "tb").map(\.event.typeName)
        await fixture.finish()
        #expect(stopped.status == .stopped && other.status == .succeeded)
        #expect(!events.contains("TaskStarted"))
    }
}
