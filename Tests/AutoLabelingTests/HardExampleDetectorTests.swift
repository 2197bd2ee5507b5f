import Foundation
import LabelingDomain
import Testing
import TestSupport
@testable import AutoLabeling

/// Hard-example reasons, the held-out calibration of the margin threshold and the pool
/// calibration of the committee-confidence threshold.
struct HardExampleDetectorTests {
    static func prediction(_ top: Double, second: Double, topClass: Int = 0) -> ClassPrediction {
        var p = [Double](repeating: (1 - top - second) / 1, count: 3)
        p[topClass] = top
        p[(topClass + 1) % 3] = second
        p[(topClass + 2) % 3] = 1 - top - second
        return ClassPrediction(probabilities: p)
    }

    func detector(threshold: Double? = nil, poolZ: Double = 0) -> HardExampleDetector {
        var detector = HardExampleDetector(
            configuration: .init(targetAccuracy: 0.95, poolConfidenceZ: poolZ), trainingSizes: [(32, 32), (40, 30), (30, 40)])
        detector.overrideMarginThreshold(threshold ?? 0.3)
        return detector
    }

    func candidate(
        _ p: ClassPrediction, neighbour: Int? = nil, distance: Double? = 0.5, width: Int = 32, height: Int = 32,
        committee: [Int] = [], committeeConfidence: Double? = nil
    ) -> HardExampleDetector.Candidate {
        .init(
            prediction: p, neighbourClass: neighbour ?? p.topClass, relativeDistance: distance, width: width, height: height,
            committeeClasses: committee, committeeConfidence: committeeConfidence)
    }

    /// `count` confident, typical pool candidates with committee estimates evenly spread over `range`.
    func pool(_ count: Int, estimates range: ClosedRange<Double>) -> [HardExampleDetector.Candidate] {
        (0..<count).map { i in
            let q = range.lowerBound + (range.upperBound - range.lowerBound) * Double(i) / Double(count - 1)
            return candidate(Self.prediction(0.9, second: 0.05), committee: [0, 0, 0], committeeConfidence: q)
        }
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

    @Test func test_a_disagreeing_committee_member_gives_reason_2() {
        let p = Self.prediction(0.9, second: 0.05)
        #expect(detector().assess(candidate(p, committee: [0, 0, 0, 0, 0])) == nil)
        #expect(detector().assess(candidate(p, committee: [0, 0, 2, 0, 0]))?.reasons == [.clusteringDisagrees])
    }

    @Test func test_a_committee_dissent_of_two_ignores_a_single_dissenting_member() {
        let p = Self.prediction(0.9, second: 0.05)
        var detector = HardExampleDetector(configuration: .init(committeeDissent: 2), trainingSizes: [(32, 32)])
        detector.overrideMarginThreshold(0.3)
        #expect(detector.assess(candidate(p, committee: [0, 0, 2, 0, 0])) == nil)
        #expect(detector.assess(candidate(p, committee: [0, 1, 2, 0, 0]))?.reasons == [.clusteringDisagrees])
        // A committee smaller than the dissent count disagrees when all of it does.
        #expect(detector.assess(candidate(p, committee: [1]))?.reasons == [.clusteringDisagrees])
    }

    @Test func test_far_from_the_class_gives_reason_3() {
        let finding = detector().assess(candidate(Self.prediction(0.9, second: 0.05), distance: 1.8))
        #expect(finding?.reasons == [.farFromSameClassTrainingData])
    }

    @Test func test_a_confident_prediction_in_an_unrepresented_group_gives_reason_3() {
        var c = candidate(Self.prediction(0.98, second: 0.01), committee: [0, 0, 0, 0, 0], committeeConfidence: 0.99)
        #expect(detector().assess(c) == nil)
        c.unrepresented = true
        #expect(detector().assess(c)?.reasons == [.farFromSameClassTrainingData])
        // It is a structural reason: the pool calibration leaves it out of the accepted run.
        var withPool = detector()
        withPool.calibrate(pool: [c] + pool(20, estimates: 0.96...0.99))
        #expect(withPool.calibration.poolAccepted == 20)
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
        #expect(c.selectionReachedTarget && c.lowerBound >= 0.95)
        #expect(c.marginThreshold > 0.1 && c.marginThreshold < 0.4)
        // The promise pays for the choice among thresholds: below what the choice saw.
        #expect(c.nonHardLowerBound > 0.9 && c.nonHardLowerBound < c.lowerBound && c.targetMet == (c.nonHardLowerBound >= 0.95))
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
        // No margin shows the target reached: nothing is vouched for, every prediction is hard.
        #expect(detector.calibration.heldOutAccepted == 0 && detector.calibration.nonHardLowerBound == 0)
        #expect(heldOut.allSatisfy { detector.assess($0.0)?.reasons.contains(.lowConfidence) == true })
    }

    @Test func test_pool_calibration_accepts_the_most_confident_run_whose_estimated_accuracy_bound_meets_the_target() {
        let candidates = pool(400, estimates: 0.5...1)
        var detector = detector(threshold: 0.3, poolZ: 1.2816)
        detector.calibrate(pool: candidates)
        let c = detector.calibration
        let accepted = candidates.filter { detector.assess($0) == nil }
        let q = accepted.compactMap(\.committeeConfidence)
        // The accepted ones are exactly those at or above the threshold, and their bound meets the target.
        #expect(c.poolAccepted == accepted.count && accepted.count > 0 && accepted.count < candidates.count)
        #expect(q.allSatisfy { $0 >= c.confidenceThreshold })
        let n = Double(q.count), mean = q.reduce(0, +) / n
        let bound = mean - 1.2816 * q.map { $0 * (1 - $0) }.reduce(0, +).squareRoot() / n
        #expect(abs(mean - c.poolEstimatedAccuracy) < 1e-9 && abs(bound - c.poolLowerBound) < 1e-9)
        #expect(bound >= 0.95)
        // One more (the next most confident rejected candidate) would break the bound: the run is the longest.
        let next = candidates.compactMap(\.committeeConfidence).filter { $0 < c.confidenceThreshold }.max()!
        let wider = q + [next], m = Double(wider.count)
        #expect(wider.reduce(0, +) / m - 1.2816 * wider.map { $0 * (1 - $0) }.reduce(0, +).squareRoot() / m < 0.95)
        // Below the threshold: reason 2 (the committee doubts a label the model itself is sure of).
        let unsure = candidates.first { $0.committeeConfidence! < c.confidenceThreshold }!
        #expect(detector.assess(unsure)?.reasons == [.clusteringDisagrees])
    }

    /// Reason 1 ("low confidence") concerns the model's own probabilities, the ones the score
    /// shows: a label scored 0.99999999 that the committee doubts is hard for reason 2 only.
    @Test func test_a_sure_label_the_committee_doubts_is_never_low_confidence() {
        var detector = detector(threshold: 0.3)
        detector.calibrate(pool: pool(50, estimates: 0.97...1))
        let sure = candidate(
            ClassPrediction(probabilities: [0.99999999, 0.00000001, 0]), committee: [0, 0, 0], committeeConfidence: 0.6)
        let finding = detector.assess(sure)
        #expect(finding?.reasons == [.clusteringDisagrees])
        #expect(sure.prediction.confidence < 1)
    }

    /// A model's probability is never exactly 0 or 1 (ε = 1e-6), even where the softmax saturates.
    @Test func test_a_saturated_prediction_scores_below_1() {
        let saturated = ClassPrediction(probabilities: [1, 0, 0])
        #expect(saturated.confidence == 1 - ClassPrediction.scoreEpsilon)
        #expect(saturated.probabilities.allSatisfy { $0 >= ClassPrediction.scoreEpsilon && $0 < 1 })
        #expect(ClassPrediction(probabilities: [0.2, 0.8]).confidence == 0.8)
    }

    @Test func test_by_default_the_pool_rule_keeps_the_estimate_itself_at_the_target_and_accepts_more_than_the_bound() {
        let candidates = pool(400, estimates: 0.5...1)
        var plain = detector(threshold: 0.3)
        plain.calibrate(pool: candidates)
        var bounded = detector(threshold: 0.3, poolZ: 1.2816)
        bounded.calibrate(pool: candidates)
        let q = candidates.compactMap(\.committeeConfidence).filter { $0 >= plain.calibration.confidenceThreshold }
        #expect(q.count == plain.calibration.poolAccepted && q.reduce(0, +) / Double(q.count) >= 0.95)
        #expect(abs(plain.calibration.poolLowerBound - plain.calibration.poolEstimatedAccuracy) < 1e-12)
        #expect(plain.calibration.poolAccepted > bounded.calibration.poolAccepted)
        // One more would bring the estimate below the target.
        let next = candidates.compactMap(\.committeeConfidence).filter { $0 < plain.calibration.confidenceThreshold }.max()!
        #expect((q.reduce(0, +) + next) / Double(q.count + 1) < 0.95)
    }

    @Test func test_pool_calibration_only_adds_hard_marks() {
        var detector = detector(threshold: 0.3)
        let confident = pool(100, estimates: 0.99...1)
        let disagreeing = candidate(Self.prediction(0.9, second: 0.05), neighbour: 1, committeeConfidence: 1)
        let smallMargin = candidate(Self.prediction(0.5, second: 0.4), committeeConfidence: 1)
        detector.calibrate(pool: confident + [disagreeing, smallMargin])
        #expect(detector.assess(disagreeing)?.reasons == [.clusteringDisagrees])
        #expect(detector.assess(smallMargin)?.reasons == [.lowConfidence])
        #expect(detector.calibration.poolAccepted == confident.count)
        #expect(detector.calibration.marginThreshold == 0.3)
    }

    @Test func test_unreachable_pool_target_flags_every_estimated_candidate() {
        var detector = detector(threshold: 0.3)
        let candidates = pool(50, estimates: 0.6...0.8)
        detector.calibrate(pool: candidates)
        #expect(detector.calibration.poolAccepted == 0)
        // The committee doubts every one (reason 2); the model itself is sure of them (no reason 1).
        #expect(candidates.allSatisfy { detector.assess($0)?.reasons == [.clusteringDisagrees] })
        // A candidate without a committee estimate is left to the margin rule.
        #expect(detector.assess(candidate(Self.prediction(0.9, second: 0.05))) == nil)
    }

    @Test func test_the_committee_estimate_raises_the_coefficient_of_an_unsure_label() {
        let p = Self.prediction(0.9, second: 0.05)
        let sure = detector().assess(candidate(p, neighbour: 1, committeeConfidence: 0.95))!
        let unsure = detector().assess(candidate(p, neighbour: 1, committeeConfidence: 0.4))!
        #expect(unsure.coefficient > sure.coefficient && (0...1).contains(unsure.coefficient))
    }

    @Test func test_wilson_bound_is_below_the_observed_accuracy() {
        let bound = HardExampleDetector.wilsonLowerBound(correct: 50, total: 50, z: 1.2816)
        #expect(bound < 1 && bound > 0.95)
        #expect(HardExampleDetector.wilsonLowerBound(correct: 45, total: 50, z: 1.2816) < 0.9)
    }
}
