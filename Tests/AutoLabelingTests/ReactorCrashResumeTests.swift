import Foundation
import LabelingDomain
import Testing
import TestSupport
@testable import AutoLabeling
#if canImport(Glibc)
import Glibc
#endif

/// Crash-resume: a real `labelledger-dev reactor` child process is SIGKILLed mid-task; on the
/// next start the task resumes, skips the samples it already auto-labeled, and no sample
/// gets two auto-label events from the task.
@Suite(.serialized) struct ReactorCrashResumeTests {
    static var childExecutable: URL? { BuiltExecutable.locate("labelledger-dev") }

    @Test(arguments: [UInt64(1), 2])
    func test_killed_reactor_resumes_the_task_without_labeling_a_sample_twice(seed: UInt64) async throws {
        let child = try #require(Self.childExecutable, "labelledger-dev was not built beside the tests")
        var generator = SeededGenerator(seed: seed)
        let killAfter = Int.random(in: 1...3, using: &generator)
        let fixture = try ReactorFixture(durability: .fsync)
        let truth = try await fixture.makeDigitsDataset("ds", classes: 3, labeledPerClass: 5, unlabeledPerClass: 12)
        try await fixture.queue("ds", "t1")
        await fixture.log.close()

        // Run the real reactor in a child process and kill it after `killAfter` auto-label events
        // (the child stops itself there, so the kill lands mid-task however late we read).
        let killed = try await ChildProcess.runAndKill(
            child, arguments: [
                "reactor", "--data", fixture.dataURL.path, "--batch-size", "3", "--print-events",
                "--stop-after-auto-labels", "\(killAfter)",
            ],
            killWhen: { output in
                output.components(separatedBy: "\n").filter { $0.hasSuffix(" SamplesAutoLabeled") }.count >= killAfter
            }, delayMicroseconds: 0)
        let seen = killed.output.components(separatedBy: "\n").filter { $0.hasSuffix(" SamplesAutoLabeled") }.count
        #expect(killed.killedBySignal)
        #expect(seen >= killAfter, "child output: \(killed.output)")

        // Reopen: the task was left running with some samples labeled.
        try fixture.open(durability: .fsync)
        let before = try #require(try await fixture.service.state(of: "ds")?.tasks["t1"])
        #expect(before.status == .running, "the child finished before the kill; status \(before.status)")
        #expect(!before.autoLabeledSamples.isEmpty && before.autoLabeledSamples.count < truth.count - 15)

        fixture.startReactor(batchSize: 3)
        let task = try await fixture.waitFor("ds", "t1", seconds: 120)
        let events = try fixture.taskEvents("ds", "t1")
        let state = try #require(try await fixture.service.state(of: "ds"))
        await fixture.finish()

        #expect(task.status == .succeeded)
        var labeledBy: [SampleID: Int] = [:]
        for case .samplesAutoLabeled(let e) in events.map(\.event) {
            for sample in e.samples { labeledBy[sample.sampleID, default: 0] += 1 }
        }
        #expect(labeledBy.values.allSatisfy { $0 == 1 })
        #expect(labeledBy.count == 36)
        #expect(state.samples.values.filter { $0.state == .toBeConfirmed }.count == 36)
        #expect(task.result?.autoLabeledSamples == 36)
        // The restart recorded progress again from the start of the labeling phase onward.
        #expect(events.filter { if case .taskStarted = $0.event { true } else { false } }.count == 1)
    }
}
