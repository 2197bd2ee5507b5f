import Foundation
import LabelingDomain
import Testing
import TestSupport
@testable import AutoLabeling

/// The held-out calibration's promise (``HardExampleDetector/Calibration/nonHardLowerBound``) and
/// what the detector does when it cannot keep one: an unreachable target flags what it cannot
/// vouch for, and no held-out data means no calibrated claim.
struct NonHardLowerBoundTests {
    /// A 3-class prediction of class 0 with top-2 margin `margin`.
    static func prediction(margin: Double) -> ClassPrediction {
        ClassPrediction(probabilities: [(1 + margin) / 2, (1 - margin) / 2 - 1e-4, 1e-4])
    }

    static func candidate(_ p: ClassPrediction) -> HardExampleDetector.Candidate {
        .init(prediction: p, neighbourClass: p.topClass, relativeDistance: 0.5, width: 32, height: 32)
    }

    static func detector(target: Double = 0.95) -> HardExampleDetector {
        HardExampleDetector(configuration: .init(targetAccuracy: target), trainingSizes: [(32, 32)])
    }

    /// `count` predictions of class 0 with margins uniform in (0.01, 0.99), each right (true class
    /// 0) with probability `accuracy(margin)`, else of true class 1.
    static func simulated(
        _ count: Int, accuracy: (Double) -> Double, using generator: inout SeededGenerator
    ) -> [(candidate: HardExampleDetector.Candidate, trueClass: Int)] {
        (0..<count).map { _ in
            let margin = Double.random(in: 0.01..<0.99, using: &generator)
            let right = Double.random(in: 0..<1, using: &generator) < accuracy(margin)
            return (candidate(prediction(margin: margin)), right ? 0 : 1)
        }
    }

    @Test func test_clopper_pearson_matches_the_beta_quantile() {
        // Reference values: scipy.stats.beta.ppf(alpha, k, n - k + 1).
        #expect(abs(HardExampleDetector.clopperPearsonLowerBound(correct: 45, total: 50, alpha: 0.05) - 0.8011669974835816) < 1e-9)
        #expect(abs(HardExampleDetector.clopperPearsonLowerBound(correct: 45, total: 50, alpha: 0.005) - 0.7419502711835912) < 1e-9)
        #expect(abs(HardExampleDetector.clopperPearsonLowerBound(correct: 180, total: 200, alpha: 0.01) - 0.8399196664003016) < 1e-9)
        #expect(abs(HardExampleDetector.clopperPearsonLowerBound(correct: 50, total: 50, alpha: 0.05) - pow(0.05, 1.0 / 50)) < 1e-12)
        #expect(HardExampleDetector.clopperPearsonLowerBound(correct: 0, total: 50, alpha: 0.05) == 0)
        #expect(HardExampleDetector.clopperPearsonLowerBound(correct: 0, total: 0, alpha: 0.05) == 0)
    }

    /// The bound at the chosen threshold is corrected for the choice: it equals the Clopper–Pearson
    /// bound at 5 % divided by the number of thresholds searched (at most 8, by default), and is
    /// below the observed accuracy.
    @Test func test_the_promised_bound_accounts_for_the_threshold_choice() {
        let heldOut = (0..<60).map { i in
            (candidate: Self.candidate(Self.prediction(margin: 0.05 + 0.9 * Double(i) / 59)), trueClass: i < 6 && i % 2 == 0 ? 1 : 0)
        }
        var detector = Self.detector()
        detector.calibrate(heldOut: heldOut)
        let c = detector.calibration
        // The candidates: the thresholds accepting 8, 15, 23, … 60 of the 60 (eighths, rounded up).
        #expect(c.thresholdsSearched == 8 && c.heldOutEligible == 60)
        #expect([8, 15, 23, 30, 38, 45, 53, 60].contains(c.heldOutAccepted))
        let corrected = HardExampleDetector.clopperPearsonLowerBound(
            correct: c.heldOutAcceptedCorrect, total: c.heldOutAccepted, alpha: 0.05 / 8)
        #expect(c.nonHardLowerBound == corrected)
        #expect(c.nonHardLowerBound < c.heldOutAcceptedAccuracy && c.nonHardLowerBound < c.lowerBound)
        // 60 held-out samples cannot vouch for 95 % once the choice is paid for: the task says so.
        #expect(c.selectionReachedTarget && !c.targetMet)
        #expect(c.reportedMetrics["target_met"] == 0)
        #expect(c.reportedMetrics["pool_non_hard_estimated_accuracy"] == c.nonHardLowerBound)
    }

    /// Over many simulated runs whose held-out and pool predictions come from the same model (its
    /// accuracy rising with the margin, crossing the target inside the margin range), the accepted
    /// pool's real accuracy is at or above the promised bound in at least 95 % of runs; the choice
    /// rule's own Wilson bound, measured on the data it chose on, is not such a promise.
    @Test func test_the_promised_bound_holds_on_at_least_95_percent_of_simulated_runs() {
        func accuracy(_ margin: Double) -> Double { 0.75 + 0.25 * margin.squareRoot() }
        var covered = 0, coveredBySelection = 0, runs = 0
        for seed in 1...400 {
            var generator = SeededGenerator(seed: UInt64(seed))
            let heldOut = Self.simulated(80 + seed % 5 * 30, accuracy: accuracy, using: &generator)
            let pool = Self.simulated(3000, accuracy: accuracy, using: &generator)
            var detector = Self.detector(target: 0.97)
            detector.calibrate(heldOut: heldOut)
            let accepted = pool.filter { detector.assess($0.candidate) == nil }
            guard !accepted.isEmpty else { continue }
            runs += 1
            let real = Double(accepted.filter { $0.trueClass == 0 }.count) / Double(accepted.count)
            if real >= detector.calibration.nonHardLowerBound { covered += 1 }
            if real >= detector.calibration.lowerBound { coveredBySelection += 1 }
        }
        #expect(runs >= 300)
        #expect(Double(covered) / Double(runs) >= 0.95)
        #expect(Double(coveredBySelection) / Double(runs) < 0.95)
    }

    /// A model right 3 times in 10 and equally sure of every label (a pre-labeling model that
    /// answers with confidence 1): nothing reaches the target, so every label is hard with
    /// reason 1 and the task says it cannot vouch for any.
    @Test func test_a_model_right_3_times_in_10_has_every_label_flagged() {
        let sure = ClassPrediction(probabilities: [1, 0, 0])
        let heldOut = (0..<40).map { i in (candidate: Self.candidate(sure), trueClass: i % 10 < 3 ? 0 : 1) }
        var detector = Self.detector()
        detector.calibrate(heldOut: heldOut)
        #expect(!detector.calibration.targetMet && detector.calibration.heldOutAccepted == 0)
        #expect(detector.calibration.nonHardLowerBound == 0)
        #expect(heldOut.allSatisfy { detector.assess($0.candidate)?.reasons == [.lowConfidence] })
    }

    /// With varied margins and only the surest few right, only those few are accepted.
    @Test func test_an_unreachable_target_accepts_only_the_best_supported_set_that_reaches_it() {
        let heldOut = (0..<40).map { i in
            (candidate: Self.candidate(Self.prediction(margin: 0.1 + 0.02 * Double(i))), trueClass: i >= 35 || i % 3 == 0 ? 0 : 1)
        }
        var detector = Self.detector()
        detector.calibrate(heldOut: heldOut)
        let c = detector.calibration
        #expect(!c.targetMet && !c.selectionReachedTarget)
        #expect(c.heldOutAccepted == 5 && c.heldOutAcceptedAccuracy == 1)
        let accepted = heldOut.filter { detector.assess($0.candidate) == nil }
        #expect(accepted.count == 5 && accepted.allSatisfy { $0.trueClass == 0 })
    }

    /// The same through pre-labeling: a registered model right 3 times in 10 on the labeled samples.
    @Test func test_a_pre_labeling_model_right_3_times_in_10_marks_every_auto_label_hard() {
        let features = ImageFeatures(values: [Float](repeating: 0, count: ImageFeatures.dimension), width: 32, height: 32)
        let labeled = (0..<20).map { i in (id: SampleID("l\(i)"), features: features, label: i % 10 < 3 ? "cat" : "dog") }
        let targets = (0..<30).map { i in (id: SampleID("t\(i)"), features: features) }
        var predictions: [SampleID: [ExternalModelRunner.ModelPrediction]] = [:]
        for id in labeled.map(\.id) + targets.map(\.id) {
            predictions[id] = [.init(name: "cat", confidence: 1, box: nil)]
        }
        let assessment = PreLabelAssessment(
            type: .imageClassification, labeled: labeled, targets: targets, predictions: predictions, targetAccuracy: 0.95)
        #expect(assessment.targets.count == 30)
        #expect(assessment.targets.allSatisfy { $0.finding?.reasons == [.lowConfidence] })
        #expect(assessment.metrics["target_met"] == 0 && assessment.metrics["non_hard_accuracy_lower_bound"] == 0)
    }

    /// No held-out prediction is eligible (every one is flagged by another reason): there is no
    /// evidence to calibrate on, so reason 1 keeps its uncalibrated meaning (a near tie, margin
    /// below one half) instead of marking every prediction low-confidence, and nothing is vouched for.
    @Test func test_no_eligible_held_out_prediction_falls_back_to_the_uncalibrated_margin() {
        let heldOut = (0..<20).map { i in
            (candidate: HardExampleDetector.Candidate(
                prediction: Self.prediction(margin: 0.9), neighbourClass: 1, relativeDistance: 0.5, width: 32, height: 32),
             trueClass: 0)
        }
        var detector = Self.detector()
        detector.calibrate(heldOut: heldOut)
        let c = detector.calibration
        #expect(c.marginThreshold == HardExampleDetector.uncalibratedMarginThreshold && c.heldOutEligible == 0)
        #expect(!c.targetMet && c.nonHardLowerBound == 0)
        #expect(detector.assess(Self.candidate(Self.prediction(margin: 0.9))) == nil)
        #expect(detector.assess(Self.candidate(Self.prediction(margin: 0.3)))?.reasons == [.lowConfidence])
        var empty = Self.detector()
        empty.calibrate(heldOut: [])
        #expect(empty.calibration.marginThreshold == HardExampleDetector.uncalibratedMarginThreshold)
    }
}
