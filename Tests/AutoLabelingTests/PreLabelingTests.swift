import Foundation
import LabelingDomain
import Testing
import TestSupport
@testable import AutoLabeling

/// Pre-labeling through registered model commands: the real scikit-learn digits model,
/// and models that fail (non-zero exit, timeout).
struct PreLabelingTests {
    static var repositoryRoot: URL { TestData.repositoryRoot }

    /// The absolute path of the `python3` on the test's `PATH`: a model runs with a fixed
    /// system `PATH` (`ExternalModelRunner.environment`), so it is registered by full path.
    static var python3: String {
        get async {
            let env = URL(fileURLWithPath: "/usr/bin/env")
            guard let finished = try? await ChildProcess.run(env, arguments: ["python3", "-c", "import sys; print(sys.executable)"])
            else { return "/usr/bin/python3" }
            let trimmed = finished.output.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? "/usr/bin/python3" : trimmed
        }
    }

    static var scikitLearnMissing: String? {
        get async {
            do {
                let finished = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: ["python3", "-c", "import sklearn, numpy"])
                return finished.status == 0 && !finished.killedBySignal ? nil : "python3 cannot import scikit-learn"
            } catch {
                return "python3 cannot be started: \(error)"
            }
        }
    }

    @Test func test_sklearn_digits_model_pre_labels_the_unlabeled_samples() async throws {
        if let reason = await Self.scikitLearnMissing {
            print("SKIPPED test_sklearn_digits_model_pre_labels_the_unlabeled_samples: \(reason)")
            return
        }
        let fixture = try ReactorFixture()
        let truth = try await fixture.makeDigitsDataset("ds", classes: 10, labeledPerClass: 1, unlabeledPerClass: 3)
        let model = ModelRef(name: "digits-sklearn", version: "1")
        let script = Self.repositoryRoot.appendingPathComponent("Tools/models/digits_sklearn.py").path
        _ = try await fixture.service.execute(.registerModel(
            model, type: .imageClassification, commandLine: [await Self.python3, script], timeoutSeconds: 300,
            by: "ops", at: Instant(Date())), actor: "ops")
        fixture.startReactor()
        try await fixture.queue("ds", "t1", type: .preLabel, model: model)
        let task = try await fixture.waitFor("ds", "t1", seconds: 300)
        let state = try #require(try await fixture.service.state(of: "ds"))
        await fixture.finish()

        #expect(task.status == .succeeded, "\(String(describing: task.failure))")
        let predicted = state.samples.filter { $0.value.state == .toBeConfirmed }
        #expect(predicted.count == 30)
        let correct = predicted.filter { $0.value.predictedLabels.first?.name == truth[$0.key] }.count
        #expect(correct >= 27)
        for (_, record) in predicted {
            #expect(record.predictedLabels.first?.annotator == .preLabelModel(name: "digits-sklearn", version: "1"))
        }
        #expect(task.metrics["threshold_calibrated"] == 1)
    }

    func runFailing(commandLine: [String], timeout: UInt32) async throws -> TaskRecord {
        let fixture = try ReactorFixture()
        try await fixture.makeDigitsDataset("ds", classes: 2, labeledPerClass: 5, unlabeledPerClass: 2)
        let model = ModelRef(name: "broken", version: "1")
        _ = try await fixture.service.execute(.registerModel(
            model, type: .imageClassification, commandLine: commandLine, timeoutSeconds: timeout, by: "ops",
            at: Instant(Date())), actor: "ops")
        fixture.startReactor()
        try await fixture.queue("ds", "t1", type: .preLabel, model: model)
        let task = try await fixture.waitFor("ds", "t1", seconds: 60)
        await fixture.finish()
        return task
    }

    @Test func test_non_zero_exit_fails_the_task_with_its_stderr() async throws {
        let task = try await runFailing(
            commandLine: ["/bin/sh", "-c", "echo 'CUDA out of memory' >&2; exit 3", "sh"], timeout: 60)
        #expect(task.status == .failed)
        #expect(task.failure?.code == "LabelLedger.AutoLabel.032")
        #expect(task.failure?.message.contains("status 3") == true)
        #expect(task.failure?.message.contains("CUDA out of memory") == true)
    }

    @Test func test_a_model_running_past_its_timeout_is_killed_and_fails_the_task() async throws {
        let task = try await runFailing(commandLine: ["/bin/sh", "-c", "echo loading >&2; sleep 60", "sh"], timeout: 1)
        #expect(task.status == .failed)
        #expect(task.failure?.code == "LabelLedger.AutoLabel.033")
        #expect(task.failure?.message.contains("loading") == true)
    }

    @Test func test_an_unreadable_predictions_manifest_fails_the_task() async throws {
        let task = try await runFailing(commandLine: ["/bin/sh", "-c", "echo 'not json' > \"$2\"", "sh"], timeout: 60)
        #expect(task.status == .failed)
        #expect(task.failure?.code == "LabelLedger.AutoLabel.034")
    }
}
