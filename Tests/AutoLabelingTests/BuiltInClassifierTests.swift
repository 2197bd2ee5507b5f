import Foundation
import Testing
@testable import AutoLabeling

/// The built-in classifier on a real subset of the digits: deterministic for a seed, and accurate.
struct BuiltInClassifierTests {
    static let digits = Result { try DigitsData.load() }

    func run(_ algorithm: AutoLabelAlgorithmCase, seed: UInt64, limit: Int) throws -> (ActiveLearningPipeline.Output, [Int]) {
        let digits = try Self.digits.get()
        let (labeled, unlabeled) = DigitsData.split(digits, perClass: 5, limit: limit, seed: 11)
        let output = try ActiveLearningPipeline(seed: seed).run(
            labeled: labeled.map { DigitsData.features(digits[$0]) }, labels: labeled.map { digits[$0].label },
            classCount: 10, unlabeled: unlabeled.map { DigitsData.features(digits[$0]) },
            algorithm: algorithm.value, targetAccuracy: 0.95)
        return (output, unlabeled.map { digits[$0].label })
    }

    /// The final model and the fold models are fitted side by side on the cores; whichever
    /// finishes first, the committee and every figure are the same.
    @Test(arguments: [AutoLabelAlgorithmCase.fast, .accurate])
    func test_training_is_deterministic_for_a_seed(_ algorithm: AutoLabelAlgorithmCase) throws {
        let (a, _) = try run(algorithm, seed: 3, limit: 250)
        let (b, _) = try run(algorithm, seed: 3, limit: 250)
        #expect(a.predictions == b.predictions)
        #expect(a.findings == b.findings)
        #expect(a.metrics == b.metrics)
    }

    @Test func test_five_labels_per_class_predict_most_digits_and_non_hard_ones_better() throws {
        let (output, truth) = try run(.accurate, seed: 1, limit: 400)
        let correct = zip(output.predictions, truth).filter { $0.topClass == $1 }.count
        let accuracy = Double(correct) / Double(truth.count)
        let nonHard = truth.indices.filter { output.findings[$0] == nil }
        let nonHardAccuracy = Double(nonHard.filter { output.predictions[$0].topClass == truth[$0] }.count) / Double(max(nonHard.count, 1))
        print("digits subset: accuracy \(accuracy), non-hard \(nonHardAccuracy) on \(nonHard.count)/\(truth.count); \(output.metrics)")
        #expect(accuracy > 0.8)
        #expect(nonHardAccuracy > accuracy)
        #expect(nonHardAccuracy > 0.93)
        // The fold models form the committee; a label it thinks more likely wrong than right is hard.
        #expect(output.metrics["committee_members"] == 5)
        #expect(output.calibration.confidenceThreshold == 0.5)
    }
}

/// The algorithms under test (a local name keeps the domain import out of every test line).
enum AutoLabelAlgorithmCase {
    case fast, accurate
    var value: LabelingDomain.AutoLabelAlgorithm { self == .fast ? .fast : .accurate }
}

import LabelingDomain
