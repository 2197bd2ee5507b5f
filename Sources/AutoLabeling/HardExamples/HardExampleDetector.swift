import Foundation
import LabelingDomain

/// Decides which predictions are hard examples, with the service's reason codes:
///
/// | Code | Rule |
/// |---|---|
/// | 0 | detection result with no box |
/// | 1 | low confidence: the model's own top-2 margin (the gap between the label's score and the next class's) below the held-out threshold |
/// | 2 | a second predictor disagrees: the k-nearest-neighbours vote, label spreading over the feature graph, or at least ``Configuration/committeeDissent`` committee members choose another class, or the committee's estimated probability that the label is right is below the pool threshold |
/// | 3 | farther from the predicted class's centroid than the class's own training samples (quantile), or reached by the predicted class's hand labels through the feature graph less than the held-out hand labels of that class are (``ClassCoverageModel``), or in a same-class group of images with no hand label (``UnrepresentedGroups``) |
/// | 5 | image area far outside the training images' range |
/// | 6 | aspect ratio far outside the training images' range |
///
/// Two thresholds, one for reason 1 and one for reason 2; neither is a constant, both aim at the
/// task's target accuracy of the non-hard auto labels:
///
/// 1. ``calibrate(heldOut:)`` — on held-out labeled samples with their true classes — picks the
///    lowest margin threshold such that the held-out predictions *not* flagged by any reason
///    reach the target with a one-sided Wilson lower bound (z of ``Configuration/confidenceZ``,
///    default 90 %). When no threshold reaches it, it accepts only the best-supported set whose
///    observed accuracy reaches the target, or nothing at all (every prediction hard). It then
///    states ``Calibration/nonHardLowerBound``: a Clopper–Pearson bound at 95 % corrected for the
///    thresholds it chose among, the one figure that is a promise; ``Calibration/targetMet`` is
///    that bound reaching the target.
/// 2. ``calibrate(pool:)`` — on the unlabeled candidates themselves, never their true classes —
///    uses each candidate's ``Candidate/committeeConfidence``: the mean probability the committee
///    (models trained on different parts of the labels, calibrated by temperature on the labels
///    they did not see) gives the predicted class, an estimate of the chance the auto label is
///    right. Among the candidates no other rule flags, taken by that estimate from the highest
///    down, it accepts the longest run whose estimated accuracy `mean − z·√(Σ q(1 − q)) / n`
///    stays at or above the target (z of ``Configuration/poolConfidenceZ``; with z > 0 a
///    normal-approximation lower bound of the sum of independent Bernoulli(q)); the estimate of
///    the last accepted one is ``Calibration/confidenceThreshold``. By default z is 0, the
///    estimate itself: the members saw only part of the labels, so their estimate of the final
///    model's labels errs low (on the digits evaluation the non-hard accuracy came out above it
///    on every seed), and a bound on top of that bias flags mostly right labels. The committee's
///    estimate is a choice rule, never reported as a promise: the promise is rule 1's bound, on
///    labeled data.
///    Held-out samples carry no committee estimate (every committee member but one saw their
///    label), so rule 2 never touches the held-out check of rule 1.
///
/// Active learning (``ActiveLearningPipeline``) aims both rules at the target rather than past
/// it: rule 1 chooses with z = 0 (the lowest candidate threshold whose observed held-out accuracy
/// reaches the target), and rule 2 is the fixed ``Configuration/committeeDoubt`` of one half (a
/// label the committee thinks more likely wrong than right). With a few labels per class, a
/// Wilson bound on the few held-out samples reaches the target only after a long run of right
/// predictions, so the margin threshold sat far above what the target needed; and the committee,
/// whose members saw fewer labels than the final model, errs low, so its estimate held at the
/// target flagged mostly right labels (README, evaluation). Neither choice touches the promise: ``Calibration/nonHardLowerBound`` is
/// corrected for every candidate threshold however one is chosen among them, and rule 2 only adds
/// hard marks.
///
/// Rule 2's doubt is the committee's, not the final model's: it is reported as reason 2 (another
/// predictor disagrees), never as reason 1, so a label the model itself scores 0.999999 is never
/// called "low confidence" (reason 1 always concerns the model's own probabilities, the ones its
/// score shows).
///
/// Invariants: a prediction is non-hard only if it passes both thresholds and no other reason
/// applies; the rule 2 threshold only adds hard marks (it never accepts what rule 1 or the other
/// reasons flag), so the held-out guarantee of rule 1 holds for the non-hard set; equal inputs
/// give equal findings. The committee members are weaker than the final model (fewer labels),
/// so the pool estimate errs on the pessimistic side.
///
/// The committee counts for reason 2 when ``Configuration/committeeDissent`` members (default 1:
/// any member) choose another class. A single dissenting member is the commonest and least
/// telling disagreement, and it already lowers the committee confidence rule 2 weighs; requiring
/// 2 trades recall for fewer marks — on the digits (before the spectral embedding) it met the
/// targets on seeds 1, 3, 5, 7, 11 and 13 but lost recall on other seeds (4, 8), so the default
/// stays at 1; with the embedding the classifier errs less and the marks are already fewer.
///
/// The coefficient is `0.7 · u + 0.1 · min(reasons, 3)`, clamped to [0, 1], where the
/// unsureness `u` is `1 − margin`, or `1 − committeeConfidence` when that is larger:
/// unsure predictions and predictions with several reasons rank first.
///
/// ```swift
/// var detector = HardExampleDetector(configuration: .init(targetAccuracy: 0.95), trainingSizes: sizes)
/// detector.calibrate(heldOut: heldOut)      // labeled samples, predicted by models that never saw them
/// detector.calibrate(pool: candidates)      // the unlabeled samples about to be auto-labeled
/// let findings = candidates.map(detector.assess)
/// ```
public struct HardExampleDetector: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var targetAccuracy: Double
        /// z of the Wilson bound the held-out rule chooses its threshold with (1.2816 = 90 %); a
        /// choice rule, not a promise (the promise is ``Calibration/nonHardLowerBound``).
        public var confidenceZ: Double
        /// Confidence of ``Calibration/nonHardLowerBound``, the promised lower bound (0.95: the
        /// accepted labels' accuracy is at or above it in at least 95 % of runs).
        public var boundConfidence: Double
        /// K: the most margin thresholds ``calibrate(heldOut:)`` chooses among (the bound's
        /// correction divides the error rate by the number searched).
        public var thresholdCandidates: Int
        /// z subtracted in the pool rule's estimate (0: the estimate itself; see the type).
        public var poolConfidenceZ: Double
        /// Committee members that must choose another class for reason 2 (at least 1).
        public var committeeDissent: Int
        /// Quantile of same-class training distances beyond which reason 3 applies.
        public var distanceQuantile: Double
        /// Allowed factor outside the training range of area (reason 5) and aspect ratio (reason 6).
        public var areaTolerance: Double
        public var aspectTolerance: Double
        /// Doubts of reasons 2 and 3 that must agree before they make a prediction hard (at least
        /// 1; see ``structuralReasons(_:)``). The active-learning pipeline asks for 2.
        public var corroboration: Int = 1
        /// A fixed committee estimate below which a candidate gets reason 2, in place of the pool
        /// rule's choice (``calibrate(pool:)``); nil: the pool rule chooses. The active-learning
        /// pipeline sets one half: a label the committee thinks more likely wrong than right.
        public var committeeDoubt: Double? = nil

        public init(
            targetAccuracy: Double = 0.95, confidenceZ: Double = 1.2816, poolConfidenceZ: Double = 0,
            committeeDissent: Int = 1, distanceQuantile: Double = 0.99, areaTolerance: Double = 2,
            aspectTolerance: Double = 1.5, boundConfidence: Double = 0.95,
            thresholdCandidates: Int = 8
        ) {
            self.boundConfidence = boundConfidence
            self.thresholdCandidates = max(1, thresholdCandidates)
            self.targetAccuracy = targetAccuracy
            self.confidenceZ = confidenceZ
            self.poolConfidenceZ = poolConfidenceZ
            self.committeeDissent = max(1, committeeDissent)
            self.distanceQuantile = distanceQuantile
            self.areaTolerance = areaTolerance
            self.aspectTolerance = aspectTolerance
        }
    }

    /// What is known about one prediction.
    public struct Candidate: Sendable, Equatable {
        public var prediction: ClassPrediction
        /// The k-nearest-neighbours vote's class (nil: no opinion).
        public var neighbourClass: Int?
        /// The label-spreading predictor's class (nil: no opinion).
        public var spreadingClass: Int?
        /// Distance to the predicted class's centroid divided by that class's threshold (>1: far).
        public var relativeDistance: Double?
        public var width: Int
        public var height: Int
        /// Each committee member's class (empty: no committee).
        public var committeeClasses: [Int]
        /// The committee's mean calibrated probability of the predicted class (nil: no committee).
        public var committeeConfidence: Double?
        /// Log coverage by the predicted class's hand labels minus that class's threshold
        /// (``ClassCoverageModel/relativeCoverage(_:of:)``; < 0: far; nil: no opinion).
        public var labelCoverage: Double?
        /// In a same-class group of images without a hand label (``UnrepresentedGroups``).
        public var unrepresented: Bool

        public init(
            prediction: ClassPrediction, neighbourClass: Int?, spreadingClass: Int? = nil, relativeDistance: Double?,
            width: Int, height: Int, committeeClasses: [Int] = [], committeeConfidence: Double? = nil,
            labelCoverage: Double? = nil, unrepresented: Bool = false
        ) {
            self.prediction = prediction
            self.neighbourClass = neighbourClass
            self.spreadingClass = spreadingClass
            self.relativeDistance = relativeDistance
            self.width = width
            self.height = height
            self.committeeClasses = committeeClasses
            self.committeeConfidence = committeeConfidence
            self.labelCoverage = labelCoverage
            self.unrepresented = unrepresented
        }
    }

    /// The chosen threshold and how it did on held-out data.
    ///
    /// Invariant: ``nonHardLowerBound`` is the only figure here that is a promise about the
    /// accepted labels; ``lowerBound`` and ``heldOutAcceptedAccuracy`` were measured on the same
    /// held-out data the threshold was chosen on, and are optimistic.
    public struct Calibration: Sendable, Equatable {
        public var marginThreshold: Double
        public var heldOutAccepted: Int
        /// Observed accuracy of the accepted held-out predictions (optimistic: the threshold was chosen on them).
        public var heldOutAcceptedAccuracy: Double
        /// The choice rule's Wilson bound at the chosen threshold (optimistic for the same reason).
        public var lowerBound: Double
        /// ``nonHardLowerBound`` reaches the target: the task can vouch for its target accuracy.
        public var targetMet: Bool
        /// The honest lower bound of the accepted labels' accuracy (see ``calibrate(heldOut:)``);
        /// 0 when nothing is vouched for.
        public var nonHardLowerBound: Double = 0
        /// The choice rule's own Wilson bound reached the target (rule 1 of ``calibrate(heldOut:)``).
        public var selectionReachedTarget = false
        /// Held-out predictions no other reason flags, and candidate thresholds among them.
        public var heldOutEligible = 0
        public var thresholdsSearched = 0
        public var heldOutAcceptedCorrect = 0
        /// Candidates whose ``Candidate/committeeConfidence`` is below it get reason 2 (0: none).
        public var confidenceThreshold: Double = 0
        /// Unlabeled candidates ``calibrate(pool:)`` accepted, their estimated accuracy and its lower bound.
        public var poolAccepted: Int = 0
        public var poolEstimatedAccuracy: Double = 0
        public var poolLowerBound: Double = 0
    }

    /// A hard example: reasons (at least one) and coefficient in [0, 1].
    public struct Finding: Sendable, Equatable {
        public var reasons: [HardReason]
        public var coefficient: Double
    }

    public var configuration: Configuration
    /// Geometry of the training images.
    var areaRange: ClosedRange<Double>
    var aspectRange: ClosedRange<Double>
    public private(set) var calibration: Calibration

    /// - Parameter trainingSizes: width and height of the labeled images (non-empty).
    public init(configuration: Configuration, trainingSizes: [(width: Int, height: Int)]) {
        self.configuration = configuration
        let areas = trainingSizes.map { Double($0.width * $0.height) }
        let aspects = trainingSizes.map { Double($0.width) / Double($0.height) }
        areaRange = (areas.min() ?? 1)...(areas.max() ?? 1)
        aspectRange = (aspects.min() ?? 1)...(aspects.max() ?? 1)
        calibration = Calibration(
            marginThreshold: 0, heldOutAccepted: 0, heldOutAcceptedAccuracy: 0, lowerBound: 0, targetMet: false)
    }

    /// Reasons other than the margin rule.
    ///
    /// Reasons 2 and 3 rest on six doubts, each counted once: the neighbours' vote, label
    /// spreading, the committee's dissent (reason 2); the distance to the class centroid, the
    /// hand labels' coverage, an unrepresented group (reason 3). They make a prediction hard only
    /// when at least ``Configuration/corroboration`` of them apply; the reasons reported are those
    /// of the doubts that apply. Alone, each of these doubts marks mostly right labels; two
    /// together mark mostly wrong ones (the digits evaluation's tuning seeds; README).
    func structuralReasons(_ c: Candidate) -> [HardReason] {
        var reasons: [HardReason] = []
        let top = c.prediction.topClass
        let clustering = [
            c.neighbourClass.map { $0 != top } ?? false, c.spreadingClass.map { $0 != top } ?? false,
            Self.committeeDisagrees(c.committeeClasses, with: top, dissent: configuration.committeeDissent),
        ].filter { $0 }.count
        let distance = [c.relativeDistance.map { $0 > 1 } ?? false, c.labelCoverage.map { $0 < 0 } ?? false, c.unrepresented]
            .filter { $0 }.count
        if clustering + distance >= configuration.corroboration {
            if clustering > 0 { reasons.append(.clusteringDisagrees) }
            if distance > 0 { reasons.append(.farFromSameClassTrainingData) }
        }
        let area = Double(c.width * c.height), aspect = Double(c.width) / Double(max(c.height, 1))
        if area < areaRange.lowerBound / configuration.areaTolerance || area > areaRange.upperBound * configuration.areaTolerance {
            reasons.append(.resolutionOutlier)
        }
        if aspect < aspectRange.lowerBound / configuration.aspectTolerance
            || aspect > aspectRange.upperBound * configuration.aspectTolerance
        {
            reasons.append(.aspectRatioOutlier)
        }
        return reasons
    }

    /// At least `dissent` members (all of a smaller committee) choose another class than `topClass`.
    static func committeeDisagrees(_ members: [Int], with topClass: Int, dissent: Int) -> Bool {
        let dissenting = members.filter { $0 != topClass }.count
        return dissenting > 0 && dissenting >= min(dissent, members.count)
    }

    /// The margin threshold used when no held-out prediction is eligible to calibrate one: reason 1
    /// then means a top-2 margin below one half, a prediction the model itself calls a near tie.
    public static let uncalibratedMarginThreshold = 0.5

    /// Chooses the margin threshold on held-out candidates with their true classes, and states the
    /// honest lower bound of the accuracy of what it accepts (``Calibration/nonHardLowerBound``).
    ///
    /// The candidate thresholds are at most ``Configuration/thresholdCandidates`` margins of the
    /// eligible held-out predictions (those no other reason flags): the ones accepting 1/K, 2/K, …,
    /// all of them, taken where the margins change (a threshold cannot split equal margins).
    /// Few candidates keep the correction below small; which are candidates depends on the
    /// margins only, not on which predictions are right, so the correction stays valid. In order:
    /// 1. the lowest threshold whose Wilson bound (z of ``Configuration/confidenceZ``) reaches the target;
    /// 2. else the threshold with the highest Wilson bound among those whose observed held-out
    ///    accuracy reaches the target: the best-supported set, and only it, is accepted;
    /// 3. else none: the threshold sits above every margin, so every prediction is hard (reason 1)
    ///    — nothing the held-out data shows reaching the target is accepted.
    /// With no eligible held-out prediction there is nothing to calibrate on: the threshold is
    /// ``uncalibratedMarginThreshold`` and nothing is vouched for (bound 0, target not met).
    ///
    /// The bound: a one-sided Clopper–Pearson bound at ``Configuration/boundConfidence`` on the
    /// accepted held-out predictions, Bonferroni-corrected for the number of candidate thresholds
    /// (``Calibration/thresholdsSearched``) — the bound holds at every candidate at once, so
    /// however the threshold was chosen from the same data it holds at the chosen one.
    /// ``Calibration/targetMet`` is that bound reaching the target.
    public mutating func calibrate(heldOut: [(candidate: Candidate, trueClass: Int)]) {
        // Only predictions no other reason flags can become non-hard.
        let eligible = heldOut.filter { structuralReasons($0.candidate).isEmpty }
            .map { (margin: $0.candidate.prediction.margin, correct: $0.candidate.prediction.topClass == $0.trueClass) }
            .sorted { $0.margin > $1.margin }
        guard !eligible.isEmpty else {
            calibration = Calibration(
                marginThreshold: Self.uncalibratedMarginThreshold, heldOutAccepted: 0, heldOutAcceptedAccuracy: 0,
                lowerBound: 0, targetMet: false)
            return
        }
        var boundaries: [Calibration] = []
        var correct = 0
        for (k, item) in eligible.enumerated() {
            if item.correct { correct += 1 }
            // A threshold can only sit between distinct margins.
            if k + 1 < eligible.count, eligible[k + 1].margin == item.margin { continue }
            let n = k + 1
            let bound = Self.wilsonLowerBound(correct: correct, total: n, z: configuration.confidenceZ)
            var option = Calibration(
                marginThreshold: item.margin, heldOutAccepted: n, heldOutAcceptedAccuracy: Double(correct) / Double(n),
                lowerBound: bound, targetMet: false)
            option.heldOutAcceptedCorrect = correct
            option.selectionReachedTarget = bound >= configuration.targetAccuracy
            boundaries.append(option)
        }
        // The candidates: for each k of the grid, the first boundary accepting at least k/K of the
        // eligible predictions (set by the margins alone, never by which predictions are right).
        let grid = max(1, configuration.thresholdCandidates)
        var options: [Calibration] = []
        for k in 1...grid {
            let size = (eligible.count * k + grid - 1) / grid
            if let option = boundaries.first(where: { $0.heldOutAccepted >= size }),
                options.last?.heldOutAccepted != option.heldOutAccepted
            {
                options.append(option)
            }
        }
        let target = configuration.targetAccuracy
        let chosen = options.last(where: \.selectionReachedTarget)  // lower thresholds come later
            ?? options.filter { $0.heldOutAcceptedAccuracy >= target }.max { $0.lowerBound < $1.lowerBound }
        var result = chosen ?? Calibration(
            marginThreshold: Self.nothingAcceptedMarginThreshold, heldOutAccepted: 0, heldOutAcceptedAccuracy: 0,
            lowerBound: 0, targetMet: false)
        result.heldOutEligible = eligible.count
        result.thresholdsSearched = options.count
        if result.heldOutAccepted > 0 {
            let alpha = (1 - configuration.boundConfidence) / Double(options.count)
            result.nonHardLowerBound = Self.clopperPearsonLowerBound(
                correct: result.heldOutAcceptedCorrect, total: result.heldOutAccepted, alpha: alpha)
        }
        result.targetMet = result.heldOutAccepted > 0 && result.nonHardLowerBound >= target
        calibration = result
    }

    /// Above every margin (margins are at most 1): every prediction fails the margin rule.
    static let nothingAcceptedMarginThreshold = 1.0000001

    /// Chooses the committee-confidence threshold on the unlabeled candidates (see the type's
    /// rule 2); call after ``calibrate(heldOut:)``. Candidates without a committee estimate are
    /// left to the other rules. With ``Configuration/committeeDoubt`` set, that is the threshold
    /// (no choice is made); the pool figures then describe the candidates at or above it.
    public mutating func calibrate(pool: [Candidate]) {
        let estimates = pool.filter {
            structuralReasons($0).isEmpty && $0.prediction.margin >= calibration.marginThreshold
        }.compactMap(\.committeeConfidence).sorted(by: >)
        if let fixed = configuration.committeeDoubt {
            let accepted = estimates.filter { $0 >= fixed }
            let n = Double(accepted.count), mean = accepted.isEmpty ? 0 : accepted.reduce(0, +) / n
            let variance = accepted.map { $0 * (1 - $0) }.reduce(0, +)
            calibration.confidenceThreshold = fixed
            calibration.poolAccepted = accepted.count
            calibration.poolEstimatedAccuracy = mean
            calibration.poolLowerBound = accepted.isEmpty ? 0 : mean - configuration.poolConfidenceZ * variance.squareRoot() / n
            return
        }
        var threshold = 0.0, accepted = 0, mean = 0.0, bound = 0.0
        var sum = 0.0, variance = 0.0
        for (k, q) in estimates.enumerated() {
            sum += q
            variance += q * (1 - q)
            // A threshold can only sit between distinct estimates.
            if k + 1 < estimates.count, estimates[k + 1] == q { continue }
            let n = Double(k + 1)
            let lower = sum / n - configuration.poolConfidenceZ * variance.squareRoot() / n
            if lower >= configuration.targetAccuracy {
                (threshold, accepted, mean, bound) = (q, k + 1, sum / n, lower)
            }
        }
        // Nothing reaches the target: every candidate with an estimate is unsure.
        if accepted == 0, let top = estimates.first { threshold = top.nextUp }
        calibration.confidenceThreshold = threshold
        calibration.poolAccepted = accepted
        calibration.poolEstimatedAccuracy = mean
        calibration.poolLowerBound = bound
    }

    /// Uses a fixed margin threshold (pre-labeling without labeled data to calibrate on).
    public mutating func overrideMarginThreshold(_ threshold: Double) {
        calibration.marginThreshold = threshold
        calibration.targetMet = false
        calibration.selectionReachedTarget = false
        calibration.nonHardLowerBound = 0
    }

    /// The finding for one prediction, or nil when it is not a hard example.
    public func assess(_ candidate: Candidate) -> Finding? {
        var reasons = structuralReasons(candidate)
        let unsureByCommittee = candidate.committeeConfidence.map { $0 < calibration.confidenceThreshold } ?? false
        if unsureByCommittee, !reasons.contains(.clusteringDisagrees) { reasons.append(.clusteringDisagrees) }
        if candidate.prediction.margin < calibration.marginThreshold { reasons.append(.lowConfidence) }
        guard !reasons.isEmpty else { return nil }
        let sureness = min(candidate.prediction.margin, candidate.committeeConfidence ?? 1)
        return Finding(
            reasons: reasons.sorted { $0.rawValue < $1.rawValue },
            coefficient: Self.coefficient(margin: sureness, reasons: reasons.count))
    }

    /// A detection result with no box: reason 0, hardest coefficient.
    public static func assessDetection(boxCount: Int) -> Finding? {
        boxCount == 0 ? Finding(reasons: [.noTargetIdentified], coefficient: 1) : nil
    }

    static func coefficient(margin: Double, reasons: Int) -> Double {
        min(1, max(0, 0.7 * (1 - margin) + 0.1 * Double(min(reasons, 3))))
    }

    /// One-sided Clopper–Pearson (exact) lower bound of a binomial proportion: the `p` at which
    /// `P(X ≥ correct | total, p) = alpha`, so the true proportion is below it with probability at
    /// most `alpha`. 0 when `correct` is 0 or `total` is 0.
    public static func clopperPearsonLowerBound(correct: Int, total: Int, alpha: Double) -> Double {
        guard total > 0, correct > 0 else { return 0 }
        let k = min(correct, total)
        if k == total { return pow(alpha, 1 / Double(total)) }
        // Upper tail P(X ≥ k) grows with p: bisection on it.
        func upperTail(_ p: Double) -> Double {
            let logP: Double = log(p), logQ: Double = log1p(-p)
            let n = Double(total), logNFactorial: Double = lgamma(n + 1)
            var terms: [Double] = []
            terms.reserveCapacity(total - k + 1)
            for i in k...total {
                let successes = Double(i), failures = n - successes
                let logChoose: Double = logNFactorial - lgamma(successes + 1) - lgamma(failures + 1)
                terms.append(logChoose + successes * logP + failures * logQ)
            }
            let top = terms.max()!
            return exp(top) * terms.reduce(0) { $0 + exp($1 - top) }
        }
        var low = 0.0, high = 1.0
        for _ in 0..<80 {
            let mid = (low + high) / 2
            if upperTail(mid) < alpha { low = mid } else { high = mid }
        }
        return low
    }

    /// One-sided Wilson score lower bound of a binomial proportion.
    public static func wilsonLowerBound(correct: Int, total: Int, z: Double) -> Double {
        guard total > 0 else { return 0 }
        let n = Double(total), p = Double(correct) / n, z2 = z * z
        let centre = p + z2 / (2 * n)
        let spread = z * ((p * (1 - p) + z2 / (4 * n)) / n).squareRoot()
        return max(0, (centre - spread) / (1 + z2 / n))
    }
}

extension HardExampleDetector.Calibration {
    /// The calibration's figures as a task records them. Every accuracy figure named an estimate
    /// or a bound is ``nonHardLowerBound``, the honest one (`pool_non_hard_estimated_accuracy`
    /// keeps its name for readers of older tasks); `held_out_non_hard_accuracy` is the observed,
    /// optimistic accuracy of the held-out predictions the threshold was chosen on; `target_met`
    /// is 0 whenever the task cannot vouch for its target.
    public var reportedMetrics: [String: Double] {
        [
            "margin_threshold": marginThreshold,
            "non_hard_accuracy_lower_bound": nonHardLowerBound,
            "pool_non_hard_estimated_accuracy": nonHardLowerBound,
            "held_out_non_hard_lower_bound": nonHardLowerBound,
            "held_out_non_hard_accuracy": heldOutAcceptedAccuracy,
            "held_out_non_hard_samples": Double(heldOutAccepted),
            "held_out_eligible_samples": Double(heldOutEligible),
            "bound_thresholds_searched": Double(thresholdsSearched),
            "target_met": targetMet ? 1 : 0,
            "target_met_on_held_out": targetMet ? 1 : 0,
        ]
    }
}
