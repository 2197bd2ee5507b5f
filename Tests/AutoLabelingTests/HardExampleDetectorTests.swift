import Foundation
import LabelingDomain
import Testing
import TestSupport
@testable import AutoLabeling

/// Hard-example reasons and the held-out calibration of the margin threshold.
struct HardExampleDetectorTests {
    static func prediction(_ top: Double, second: Double, topClass: Int = 0) -> ClassPrediction {
        var p = [Double](repeating: (1 - top - second) / 1, count: 3)
        p[topClass] = top
        p[(topClass + 1) % 3] = second
        p[(topClass + 2) % 3] = 1 - top - second
        return ClassPrediction(probabilities: p)
    }

    func detector(threshold: Double? = nil) -> HardExampleDetector {
        var detector = HardExampleDetector(
            configuration: .init(targetAccuracy: 0.95), trainingSizes: [(32, 32), (40, 30), (30, 40)])
        detector.overrideMarginThreshold(threshold ?? 0.3)
        return detector
    }

    func candidate(
        _ p: ClassPrediction, neighbour: Int? = nil, distance: Double? = 0.5, width: Int = 32, height: Int = 32
    ) -> HardExampleDetector.Candidate {
        .init(prediction: p, neighbourClass: neighbour ?? p.topClass, relativeDistance: distance, width: width, height: height)
    }

    @Test func test_a_confident_typical_prediction_is_not_hard() {
        #expect(detector().assess(candidate(Self.prediction(0.9, second: 0.05))) == nil)
    }

    @Test func test_small_margin_gives_reason_1() {
        let finding = detector().assess(candidate(Self.prediction(0.5, second: 0.4)))
        #expect(finding?.reasons == [.lowConfidence])
    }

    @Test func test_disagreeing_neighbours_give_reason_2() {
        let finding = detector().assess(candidate(Self.prediction(0.9, second: 0.05), neighbour: 2))
        #expect(finding?.reasons == [.clusteringDisagrees])
    }

    @Test func test_far_from_the_class_gives_reason_3() {
        let finding = detector().assess(candidate(Self.prediction(0.9, second: 0.05), distance: 1.8))
        #expect(finding?.reasons == [.farFromSameClassTrainingData])
    }

    @Test func test_odd_resolution_and_aspect_ratio_give_reasons_5_and_6() {
        #expect(detector().assess(candidate(Self.prediction(0.9, second: 0.05), width: 400, height: 400))?.reasons == [.resolutionOutlier])
        #expect(detector().assess(candidate(Self.prediction(0.9, second: 0.05), width: 96, height: 12))?.reasons == [.aspectRatioOutlier])
    }

    @Test func test_detection_without_boxes_gives_reason_0() {
        #expect(HardExampleDetector.assessDetection(boxCount: 0)?.reasons == [.noTargetIdentified])
        #expect(HardExampleDetector.assessDetection(boxCount: 2) == nil)
    }

    @Test func test_coefficient_is_in_unit_interval_and_grows_with_reasons() {
        let one = detector().assess(candidate(Self.prediction(0.5, second: 0.4)))!
        let three = detector().assess(candidate(Self.prediction(0.5, second: 0.4), neighbour: 1, distance: 3))!
        #expect((0...1).contains(one.coefficient) && (0...1).contains(three.coefficient))
        #expect(three.coefficient > one.coefficient && three.reasons.count == 3)
    }

    @Test func test_calibration_picks_the_lowest_margin_meeting_the_target_on_held_out_data() {
        // 200 held-out predictions: margins spread over (0, 1); wrong ones only below margin 0.3.
        var generator = SeededGenerator(seed: 5)
        var heldOut: [(HardExampleDetector.Candidate, Int)] = []
        for _ in 0..<200 {
            let margin = Double.random(in: 0.01..<0.98, using: &generator)
            let p = Self.prediction((1 + margin) / 2, second: (1 - margin) / 2 - 0.0001)
            let wrong = margin < 0.3 && Bool.random(using: &generator)
            heldOut.append((candidate(p), wrong ? 1 : 0))
        }
        var detector = detector()
        detector.calibrate(heldOut: heldOut)
        let c = detector.calibration
        #expect(c.targetMet && c.lowerBound >= 0.95)
        #expect(c.marginThreshold > 0.1 && c.marginThreshold < 0.4)
        // Every accepted held-out prediction clears the threshold and the bound holds on them.
        let accepted = heldOut.filter { detector.assess($0.0) == nil }
        let accuracy = Double(accepted.filter { $0.0.prediction.topClass == $0.1 }.count) / Double(accepted.count)
        #expect(accepted.count == c.heldOutAccepted && accuracy == c.heldOutAcceptedAccuracy)
    }

    @Test func test_unreachable_target_is_reported_not_hidden() {
        // Half of the held-out predictions are wrong at every margin.
        let heldOut = (0..<40).map { i in
            (candidate(Self.prediction(0.6 + Double(i) * 0.005, second: 0.1)), i % 2)
        }
        var detector = detector()
        detector.calibrate(heldOut: heldOut)
        #expect(!detector.calibration.targetMet)
    }

    @Test func test_wilson_bound_is_below_the_observed_accuracy() {
        let bound = HardExampleDetector.wilsonLowerBound(correct: 50, total: 50, z: 1.2816)
        #expect(bound < 1 && bound > 0.95)
        #expect(HardExampleDetector.wilsonLowerBound(correct: 45, total: 50, z: 1.2816) < 0.9)
    }
}
