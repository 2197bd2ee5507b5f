import Foundation
import LabelingDomain
import Testing
@testable import AutoLabeling

/// Continuous mode queues an active-learning task by itself after N new labels.
struct ContinuousModeTests {
    @Test func test_a_task_is_queued_after_n_new_labels_and_runs() async throws {
        let fixture = try ReactorFixture()
        let truth = try await fixture.makeDigitsDataset("ds", classes: 2, labeledPerClass: 5, unlabeledPerClass: 6)
        let reactor = AutoLabelingReactor(
            log: fixture.log, service: fixture.service, dataDirectory: fixture.dataURL,
            configuration: .init(continuous: .init(datasets: ["ds"], newLabels: 3, algorithm: .fast)))
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
        let deadline = Date().addingTimeInterval(60)
        var task: TaskRecord?
        while Date() < deadline {
            task = try await fixture.service.state(of: "ds")?.tasks.values.first
            if task?.status.isTerminal == true { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let state = try #require(try await fixture.service.state(of: "ds"))
        await fixture.finish()
        #expect(state.tasks.count == 1)
        #expect(task?.id.rawValue.hasPrefix("continuous-") == true && task?.status == .succeeded)
        #expect(task?.requestedBy == "auto-labeling")
    }
}
