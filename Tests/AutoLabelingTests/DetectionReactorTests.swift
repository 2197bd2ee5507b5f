import Foundation
import LabelingDomain
import Testing
@testable import AutoLabeling

/// Active learning on object-detection datasets through the real reactor and log (issue 24):
/// boxes with per-box scores land in To Be Confirmed, people confirm, fix or reject them as after
/// pre-labeling, and unreliable images are hard examples with the service's reason codes.
struct DetectionReactorTests {
    /// 12 labeled scenes (each digit class on 6), 10 unlabeled ones, a blank canvas and a tall strip.
    func run(algorithm: AutoLabelAlgorithm = .fast) async throws
        -> (fixture: ReactorFixture, task: TaskRecord, state: DatasetState, truth: [SampleID: [Detection]])
    {
        let fixture = try ReactorFixture()
        let labeled = try DetectionScenes.make(count: 12, seed: 41)
        var unlabeled = try DetectionScenes.make(count: 10, seed: 42, digitOffset: 30)
        unlabeled += try DetectionScenes.make(count: 1, objects: 0...0, seed: 43)  // blank
        unlabeled += try DetectionScenes.make(count: 1, width: 400, height: 40, objects: 1...1, seed: 44, digitOffset: 70)
        let truth = try await DetectionScenes.makeDataset("boxes", in: fixture, labeled: labeled, unlabeled: unlabeled)
        fixture.startReactor()
        _ = try await fixture.service.execute(.requestAutoLabeling(
            taskID: "t1", type: .autoLabel, algorithm: algorithm, model: nil, targetAccuracy: nil, by: "ana", at: Instant(Date())),
            on: "boxes", actor: "ana")
        let task = try await fixture.waitFor("boxes", "t1", seconds: 300)
        let state = try #require(try await fixture.service.state(of: "boxes"))
        return (fixture, task, state, truth)
    }

    @Test func test_detection_active_learning_boxes_unlabeled_images_with_per_box_scores() async throws {
        let (fixture, task, state, truth) = try await run()
        await fixture.finish()

        #expect(task.status == .succeeded, "\(String(describing: task.failure))")
        #expect(task.metrics["keep_threshold"] != nil && task.metrics["committee_members"] == 3)
        var found = 0, objects = 0, boxes = 0
        for id in state.samples.keys where state.samples[id]!.state != .labeled {
            let record = state.samples[id]!
            objects += truth[id]!.count
            guard record.state == .toBeConfirmed else { continue }
            for label in record.predictedLabels {
                #expect(label.annotator == .activeLearning("t1"))
                let score = try #require(label.score)
                #expect(score > 0 && score < 1)
                let box = try #require(label.box)
                #expect(box.isValid(width: record.width, height: record.height))
            }
            boxes += record.predictedLabels.count
            found += DetectionScenes.matches(record.predictedLabels.map {
                Detection(
                    x1: Double($0.box!.x1), y1: Double($0.box!.y1), x2: Double($0.box!.x2), y2: Double($0.box!.y2),
                    classIndex: Int($0.name)!, score: $0.score!)
            }, truth[id]!)
        }
        #expect(Double(found) >= 0.7 * Double(objects), "found \(found) of \(objects) objects")
        #expect(Double(found) >= 0.7 * Double(boxes), "\(found) of \(boxes) boxes right")
    }

    @Test func test_people_confirm_fix_and_reject_detected_boxes() async throws {
        let (fixture, task, state, _) = try await run()
        defer { Task { await fixture.finish() } }
        #expect(task.status == .succeeded)
        let pending = state.samples.filter { $0.value.state == .toBeConfirmed }.keys.sorted()
        try #require(pending.count >= 3)
        let fixed = ManualLabel(name: "1", box: BoundingBox(x: 3, y: 4, width: 20, height: 21))
        _ = try await fixture.service.execute(.confirmSamples([
            SampleConfirmation(sampleID: pending[0]),
            SampleConfirmation(sampleID: pending[1], correctedLabels: [fixed]),
        ], by: "ana"), on: "boxes", actor: "ana")
        _ = try await fixture.service.execute(.rejectSamples([pending[2]], by: "ana"), on: "boxes", actor: "ana")
        let after = try #require(try await fixture.service.state(of: "boxes"))

        let confirmed = try #require(after.samples[pending[0]])
        #expect(confirmed.state == .labeled)
        #expect(confirmed.labels.map(\.box) == state.samples[pending[0]]!.predictedLabels.map(\.box))
        #expect(after.samples[pending[1]]?.state == .labeled)
        #expect(after.samples[pending[1]]?.labels.map(\.box) == [fixed.box])
        #expect(after.samples[pending[2]]?.state == .unlabeled)
        #expect(after.samples[pending[2]]?.predictedLabels.isEmpty == true)
    }

    /// The blank canvas has no box (reason 0, coefficient 1, left unlabeled); the 400 × 40 strip is
    /// an odd image size (reasons 5 and 6) next to the 96 × 96 labeled images.
    @Test func test_detection_hard_examples_carry_the_service_reason_codes() async throws {
        let (fixture, task, state, truth) = try await run()
        await fixture.finish()

        #expect(task.status == .succeeded)
        let blank = try #require(truth.first { $0.value.isEmpty }?.key)
        #expect(state.samples[blank]?.state == .unlabeled)
        #expect(state.samples[blank]?.hardMark?.reasons.contains(.noTargetIdentified) == true)
        #expect(state.samples[blank]?.hardMark?.coefficient == 1)
        let strip = try #require(state.samples.first { $0.value.width == 400 }?.key)
        let reasons = try #require(state.samples[strip]?.hardMark?.reasons)
        #expect(reasons.contains(.resolutionOutlier) || reasons.contains(.aspectRatioOutlier))
        #expect(reasons.contains(.aspectRatioOutlier))
        for record in state.samples.values {
            if let mark = record.hardMark { #expect((0...1).contains(mark.coefficient) && !mark.reasons.isEmpty) }
        }
        #expect((task.result?.hardExamples ?? 0) >= 2)
    }
}
