import Foundation
import LabelingDomain

/// Decides which predictions are hard examples, with the service's reason codes:
///
/// | Code | Rule |
/// |---|---|
/// | 0 | detection result with no box |
/// | 1 | top-2 margin below the threshold chosen on held-out data (low confidence / small margin) |
/// | 2 | a second predictor disagrees: the k-nearest-neighbours vote or label spreading over the feature graph |
/// | 3 | farther from the predicted class's centroid than the class's own training samples (quantile) |
/// | 5 | image area far outside the training images' range |
/// | 6 | aspect ratio far outside the training images' range |
///
/// The margin threshold is not a constant: ``calibrate(heldOut:)`` picks the lowest
/// threshold such that, on held-out labeled samples, the predictions *not* flagged
/// by any reason reach the target accuracy with a one-sided Wilson lower confidence
/// bound (default 90 %). When no threshold reaches it, the one with the highest bound
/// is used and ``Calibration/targetMet`` is false.
///
/// The coefficient is `0.7 · (1 − margin) + 0.1 · min(reasons, 3)`, clamped to [0, 1]:
/// unsure predictions and predictions with several reasons rank first.
public struct HardExampleDetector: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var targetAccuracy: Double
        /// z of the one-sided lower confidence bound (1.2816 = 90 %).
        public var confidenceZ: Double
        /// Quantile of same-class training distances beyond which reason 3 applies.
        public var distanceQuantile: Double
        /// Allowed factor outside the training range of area (reason 5) and aspect ratio (reason 6).
        public var areaTolerance: Double
        public var aspectTolerance: Double

        public init(
            targetAccuracy: Double = 0.95, confidenceZ: Double = 1.2816, distanceQuantile: Double = 0.99,
            areaTolerance: Double = 2, aspectTolerance: Double = 1.5
        ) {
            self.targetAccuracy = targetAccuracy
            self.confidenceZ = confidenceZ
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

        public init(
            prediction: ClassPrediction, neighbourClass: Int?, spreadingClass: Int? = nil, relativeDistance: Double?,
            width: Int, height: Int
        ) {
            self.prediction = prediction
            self.neighbourClass = neighbourClass
            self.spreadingClass = spreadingClass
            self.relativeDistance = relativeDistance
            self.width = width
            self.height = height
        }
    }

    /// The chosen threshold and how it did on held-out data.
    public struct Calibration: Sendable, Equatable {
        public var marginThreshold: Double
        public var heldOutAccepted: Int
        public var heldOutAcceptedAccuracy: Double
        public var lowerBound: Double
        public var targetMet: Bool
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
    func structuralReasons(_ c: Candidate) -> [HardReason] {
        var reasons: [HardReason] = []
        let disagreeing = [c.neighbourClass, c.spreadingClass].contains { $0 != nil && $0 != c.prediction.topClass }
        if disagreeing { reasons.append(.clusteringDisagrees) }
        if let d = c.relativeDistance, d > 1 { reasons.append(.farFromSameClassTrainingData) }
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

    /// Chooses the margin threshold on held-out candidates with their true classes.
    public mutating func calibrate(heldOut: [(candidate: Candidate, trueClass: Int)]) {
        // Only predictions no other reason flags can become non-hard.
        let eligible = heldOut.filter { structuralReasons($0.candidate).isEmpty }
            .map { (margin: $0.candidate.prediction.margin, correct: $0.candidate.prediction.topClass == $0.trueClass) }
            .sorted { $0.margin > $1.margin }
        var best = Calibration(
            marginThreshold: 1.0000001, heldOutAccepted: 0, heldOutAcceptedAccuracy: 0, lowerBound: 0, targetMet: false)
        var correct = 0
        for (k, item) in eligible.enumerated() {
            if item.correct { correct += 1 }
            // A threshold can only sit between distinct margins.
            if k + 1 < eligible.count, eligible[k + 1].margin == item.margin { continue }
            let n = k + 1
            let bound = Self.wilsonLowerBound(correct: correct, total: n, z: configuration.confidenceZ)
            let candidate = Calibration(
                marginThreshold: item.margin, heldOutAccepted: n, heldOutAcceptedAccuracy: Double(correct) / Double(n),
                lowerBound: bound, targetMet: bound >= configuration.targetAccuracy)
            if candidate.targetMet {
                best = candidate  // lower thresholds come later: keep the lowest that meets the target
            } else if !best.targetMet, bound > best.lowerBound {
                best = candidate
            }
        }
        calibration = best
    }

    /// Uses a fixed margin threshold (pre-labeling without labeled data to calibrate on).
    public mutating func overrideMarginThreshold(_ threshold: Double) {
        calibration.marginThreshold = threshold
        calibration.targetMet = false
    }

    /// The finding for one prediction, or nil when it is not a hard example.
    public func assess(_ candidate: Candidate) -> Finding? {
        var reasons = structuralReasons(candidate)
        if candidate.prediction.margin < calibration.marginThreshold { reasons.insert(.lowConfidence, at: 0) }
        guard !reasons.isEmpty else { return nil }
        return Finding(reasons: reasons.sorted { $0.rawValue < $1.rawValue }, coefficient: Self.coefficient(margin: candidate.prediction.margin, reasons: reasons.count))
    }

    /// A detection result with no box: reason 0, hardest coefficient.
    public static func assessDetection(boxCount: Int) -> Finding? {
        boxCount == 0 ? Finding(reasons: [.noTargetIdentified], coefficient: 1) : nil
    }

    static func coefficient(margin: Double, reasons: Int) -> Double {
        min(1, max(0, 0.7 * (1 - margin) + 0.1 * Double(min(reasons, 3))))
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
