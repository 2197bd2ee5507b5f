import Foundation
import LabelingDomain
import Testing
@testable import AutoLabeling

/// A queued task runs through the real reactor and log to success, with the nested phases,
/// training metrics, auto labels and hard examples; RGBA images are flattened and counted,
/// corrupt images are skipped with reason 30 and do not fail the task.
struct ReactorLifecycleTests {
    @Test func test_queued_task_succeeds_with_phases_labels_and_counts() async throws {
        let fixture = try ReactorFixture()
        // An RGBA digit-like image (opaque ink on transparent background) and a corrupt JPEG.
        var rgba = [UInt8](repeating: 0, count: 32 * 32 * 4)
        for i in 0..<(32 * 32) where (i % 32) > 12 && (i % 32) < 18 { rgba[i * 4 + 3] = 255 }
        let rgbaPNG = try PNGCodec.encode(pixels: rgba, width: 32, height: 32, channels: 4)
        let jpeg = try JPEGCodec.encode(pixels: [UInt8](repeating: 90, count: 32 * 32 * 3), width: 32, height: 32, channels: 3)
        let truth = try await fixture.makeDigitsDataset("ds", extra: [
            ("alpha.png", rgbaPNG, 32, 32, 4), ("broken.jpg", jpeg.prefix(jpeg.count / 3), 32, 32, 3),
        ])
        fixture.startReactor()
        try await fixture.queue("ds", "t1")
        let task = try await fixture.waitFor("ds", "t1")
        let state = try #require(try await fixture.service.state(of: "ds"))
        await fixture.finish()

        #expect(task.status == .succeeded)
        let counts = try #require(task.result)
        #expect(counts.flattenedRGBAImages == 1)
        #expect(counts.autoLabeledSamples == 25)  // 24 digits + the RGBA image; the corrupt one is skipped
        #expect(counts.totalSamples == 26)
        #expect(task.metrics["skipped_unreadable_images"] == 1)
        #expect(counts.skippedSamples.map(\.sampleID) == ["ds-broken.jpg"])
        #expect(counts.skippedSampleCount == 1 && counts.skippedSamples.first?.reason.isEmpty == false)
        #expect(task.metrics["temperature"] != nil && task.metrics["margin_threshold"] != nil)
        let broken = try #require(state.samples["ds-broken.jpg"])
        #expect(broken.state == .unlabeled && broken.hardMark?.reasons == [.predictedAbnormal])
        let digitsAutoLabeled = truth.keys.filter { state.samples[$0]?.state == .toBeConfirmed }
        #expect(digitsAutoLabeled.count == 24)
        for id in digitsAutoLabeled {
            let label = try #require(state.samples[id]?.predictedLabels.first)
            #expect(label.annotator == .activeLearning("t1") && (0...1).contains(label.score ?? -1))
        }
        let correct = digitsAutoLabeled.filter { state.samples[$0]?.predictedLabels.first?.name == truth[$0] }.count
        #expect(correct >= 20)
    }

    @Test func test_task_events_follow_the_lifecycle_order() async throws {
        let fixture = try ReactorFixture()
        try await fixture.makeDigitsDataset("ds", classes: 2)
        fixture.startReactor(batchSize: 5)
        try await fixture.queue("ds", "t1")
        try await fixture.waitFor("ds", "t1")
        let events = try fixture.taskEvents("ds", "t1").map(\.event)
        await fixture.finish()

        var phases: [TaskPhase] = []
        var kinds: [String] = []
        for event in events {
            if case .taskProgressed(let p) = event, phases.last != p.phase { phases.append(p.phase) }
            if kinds.last != event.typeName { kinds.append(event.typeName) }
        }
        #expect(phases == [.start, .initialize, .labeling, .resultProcessing, .end])
        #expect(kinds.first == "AutoLabelTaskQueued" && kinds[1] == "TaskStarted" && kinds.last == "TaskSucceeded")
        let running = try #require(kinds.firstIndex(of: "TaskRunning"))
        let trained = try #require(kinds.firstIndex(of: "TaskTrainingFinished"))
        let labeled = try #require(kinds.firstIndex(of: "SamplesAutoLabeled"))
        #expect(running < trained && trained < labeled)
        // Batches of 5: 16 unlabeled digits → 4 auto-label events.
        #expect(events.filter { if case .samplesAutoLabeled = $0 { true } else { false } }.count == 4)
    }
}
