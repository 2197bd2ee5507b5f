import Foundation
import LabelingDomain
import LabelingService
import Testing
import TestSupport
@testable import AutoLabeling

/// Continuous mode queues an active-learning task by itself after N new labels.
struct ContinuousModeTests {
    @Test func test_a_task_is_queued_after_n_new_labels_and_runs() async throws {
        let fixture = try ReactorFixture()
        let truth = try await fixture.makeDigitsDataset("ds", classes: 2, labeledPerClass: 5, unlabeledPerClass: 6)
        let reactor = AutoLabelingReactor(
            log: fixture.log, service: fixture.service, dataDirectory: fixture.dataURL,
            configuration: .init(continuous: .init(datasets: ["ds"], newLabels: 3, algorithm: .fast)))
        fixture.reactor = reactor
        fixture.reactorTask = Task { try await reactor.run() }
        // Two new labels: below the threshold, nothing is queued.
        let unlabeled = try #require(try await fixture.service.state(of: "ds")).samples
            .filter { $0.value.state == .unlabeled }.keys.sorted()
        _ = try await fixture.service.execute(.updateSampleLabels(unlabeled.prefix(2).map {
            SampleLabelUpdate(sampleID: $0, labels: [ManualLabel(name: truth[$0]!)])
        }, by: "ana"), on: "ds", actor: "ana")
        _ = try await fixture.service.execute(.updateSampleLabels([unlabeled[2]].map {
            SampleLabelUpdate(sampleID: $0, labels: [ManualLabel(name: truth[$0]!)])
        }, by: "ana"), on: "ds", actor: "ana")
        // The third label crosses the threshold: a task appears and succeeds.
        let task = try await waitForTerminalTask(fixture)
        let state = try #require(try await fixture.service.state(of: "ds"))
        await fixture.finish()
        #expect(state.tasks.count == 1)
        #expect(task?.id.rawValue.hasPrefix("continuous-") == true && task?.status == .succeeded)
        #expect(task?.requestedBy == "auto-labeling")
    }

    /// Labels `ids` by hand, one command per call.
    func label(_ ids: some Sequence<SampleID>, _ truth: [SampleID: String], in fixture: ReactorFixture) async throws {
        _ = try await fixture.service.execute(.updateSampleLabels(ids.map {
            SampleLabelUpdate(sampleID: $0, labels: [ManualLabel(name: truth[$0]!)])
        }, by: "ana"), on: "ds", actor: "ana")
    }

    /// The first task the reactor finishes on "ds" (continuous tasks get ids of their own).
    func waitForTerminalTask(_ fixture: ReactorFixture) async throws -> TaskRecord? {
        let reactor = try #require(fixture.reactor)
        let service = fixture.service!, log = fixture.log!
        return try await withDeadline(60, waitingFor: "a task of ds to end") {
            let from = log.head + 1
            // The task's end in the dataset's state, then the reactor's own outcome of it.
            func ended() async throws -> TaskRecord? {
                guard let task = try await service.state(of: "ds")?.tasks.values.first, task.status.isTerminal else { return nil }
                _ = await reactor.outcomes.wait(dataset: "ds", task: task.id)
                return task
            }
            if let task = try await ended() { return task }
            for try await event in log.subscribe(from: from) where event.streamID == StreamNames.dataset("ds") {
                if let task = try await ended() { return task }
            }
            return nil
        }
    }

    @Test func test_the_datasets_own_setting_from_the_log_queues_a_task_without_any_reactor_configuration() async throws {
        let fixture = try ReactorFixture()
        let truth = try await fixture.makeDigitsDataset("ds", classes: 2, labeledPerClass: 5, unlabeledPerClass: 6)
        _ = try await fixture.service.execute(
            .configureContinuousAutoLabeling(newSamples: 2, algorithm: .fast, by: "ana", at: Instant(Date())), on: "ds", actor: "ana")
        fixture.startReactor()
        let unlabeled = try #require(try await fixture.service.state(of: "ds")).samples
            .filter { $0.value.state == .unlabeled }.keys.sorted()
        try await label(unlabeled.prefix(2), truth, in: fixture)
        let task = try await waitForTerminalTask(fixture)
        let state = try #require(try await fixture.service.state(of: "ds"))
        await fixture.finish()
        #expect(state.tasks.count == 1)
        #expect(task?.id.rawValue.hasPrefix("continuous-") == true && task?.status == .succeeded)
        #expect(task?.algorithm == .fast)
    }

    @Test func test_a_dataset_that_turned_it_off_is_not_auto_labeled_even_when_the_reactor_default_is_on() async throws {
        let fixture = try ReactorFixture()
        let truth = try await fixture.makeDigitsDataset("ds", classes: 2, labeledPerClass: 5, unlabeledPerClass: 6)
        try await fixture.makeDigitsDataset("other", classes: 2, labeledPerClass: 5, unlabeledPerClass: 2)
        _ = try await fixture.service.execute(
            .configureContinuousAutoLabeling(newSamples: 0, algorithm: .fast, by: "ana", at: Instant(Date())), on: "ds", actor: "ana")
        let reactor = AutoLabelingReactor(
            log: fixture.log, service: fixture.service, dataDirectory: fixture.dataURL,
            configuration: .init(continuous: .init(datasets: ["ds"], newLabels: 1, algorithm: .fast)))
        fixture.reactorTask = Task { try await reactor.run() }
        let unlabeled = try #require(try await fixture.service.state(of: "ds")).samples
            .filter { $0.value.state == .unlabeled }.keys.sorted()
        try await label(unlabeled.prefix(3), truth, in: fixture)
        // A marker task on another dataset, appended after the labels: the reactor handles
        // events one at a time, so once the marker has run, every label event of "ds" was
        // handled (and would have queued a continuous task before it).
        _ = try await fixture.service.execute(.requestAutoLabeling(
            taskID: "marker", type: .autoLabel, algorithm: .fast, model: nil, targetAccuracy: nil, by: "ana",
            at: Instant(Date())), on: "other", actor: "ana")
        let marker = try await fixture.waitFor("other", "marker")
        let state = try #require(try await fixture.service.state(of: "ds"))
        await fixture.finish()
        #expect(marker.status == .succeeded)
        #expect(state.tasks.isEmpty)
    }
}
