import Foundation
import LabelingDomain
import Testing
@testable import AutoLabeling

/// Reason 3's graph half: coverage by the predicted class's hand labels against the held-out
/// hand labels' own coverage.
struct ClassCoverageModelTests {
    /// Class 0 references around −5, class 1 around −6 (log coverage), five each.
    static let references: [(label: Int, logCoverage: Double)] =
        [-5, -5.2, -4.8, -5.1, -4.9].map { (0, $0) } + [-6, -6.2, -5.8, -6.1, -5.9].map { (1, $0) }

    @Test func test_a_sample_far_below_its_class_references_is_uncovered_and_the_threshold_is_per_class() throws {
        let model = ClassCoverageModel(references: Self.references, z: 1.6449)
        #expect(model.referenceCount == 10)
        // Pooled deviation √(0.2 / 8); threshold of class 0 ≈ −5 − 1.86 · 0.158 · √1.2 ≈ −5.32.
        let threshold = try #require(model.thresholds[0])
        #expect(threshold < -5.25 && threshold > -5.4)
        #expect(try #require(model.relativeCoverage(-5.2, of: 0)) > 0)
        #expect(try #require(model.relativeCoverage(-6, of: 0)) < 0)
        // The same coverage is typical for class 1, whose labels reach their own class less.
        #expect(try #require(model.relativeCoverage(-6, of: 1)) > 0)
        #expect(try #require(model.relativeCoverage(-7, of: 1)) < 0)
    }

    @Test func test_no_degrees_of_freedom_or_an_unknown_class_give_no_opinion() {
        let single = ClassCoverageModel(references: [(0, -5), (1, -6)], z: 1.6449)
        #expect(single.thresholds.isEmpty && single.relativeCoverage(-100, of: 0) == nil)
        let model = ClassCoverageModel(references: Self.references, z: 1.6449)
        #expect(model.relativeCoverage(-100, of: 7) == nil)
    }

    @Test func test_unreached_references_are_left_out_and_an_unreached_candidate_is_uncovered() throws {
        let model = ClassCoverageModel(references: Self.references + [(0, -.infinity)], z: 1.6449)
        #expect(model.referenceCount == 10 && model.thresholds[0]!.isFinite)
        #expect(try #require(model.relativeCoverage(-.infinity, of: 0)) < 0)
    }

    @Test func test_log_coverage_is_the_mean_seed_influence_and_minus_infinity_where_no_seed_reaches() throws {
        // Two components (k = 1 links each point only to its nearest neighbour); class 1's seeds in the first only.
        let rows: [[Float]] = [[0], [0.1], [0.2], [100], [100.1]]
        let graph = try LabelSpreading(rows: rows, neighbours: 1)
        let spread = graph.spread(seeds: [(row: 0, label: 1), (row: 1, label: 1)], classCount: 2)
        let reached = try #require(ClassCoverageModel.logCoverage(spread, row: 2, label: 1, seedCount: 2))
        #expect(abs(reached - log(spread.score(of: 2, class: 1) / 2)) < 1e-12 && reached.isFinite)
        #expect(ClassCoverageModel.logCoverage(spread, row: 3, label: 1, seedCount: 2) == -.infinity)
        #expect(ClassCoverageModel.logCoverage(spread, row: 2, label: 0, seedCount: 0) == nil)
    }

    @Test func test_student_quantile_is_close_to_the_exact_value() {
        // Exact one-sided 95 % quantiles: 1.812 (ν = 10), 1.684 (ν = 40).
        #expect(abs(ClassCoverageModel.studentQuantile(z: 1.6449, freedom: 10) - 1.812) < 0.01)
        #expect(abs(ClassCoverageModel.studentQuantile(z: 1.6449, freedom: 40) - 1.684) < 0.005)
    }

    @Test func test_low_label_coverage_gives_reason_3() {
        var detector = HardExampleDetector(configuration: .init(), trainingSizes: [(32, 32)])
        detector.overrideMarginThreshold(0.1)
        let p = ClassPrediction(probabilities: [0.9, 0.05, 0.05])
        func candidate(_ coverage: Double?) -> HardExampleDetector.Candidate {
            .init(prediction: p, neighbourClass: 0, spreadingClass: 0, relativeDistance: 0.5, width: 32, height: 32, labelCoverage: coverage)
        }
        #expect(detector.assess(candidate(nil)) == nil)
        #expect(detector.assess(candidate(0.3)) == nil)
        #expect(detector.assess(candidate(-0.3))?.reasons == [.farFromSameClassTrainingData])
        // With the centroid rule too, reason 3 is given once.
        var both = candidate(-0.3)
        both.relativeDistance = 2
        #expect(detector.assess(both)?.reasons == [.farFromSameClassTrainingData])
    }

    @Test func test_an_uncovered_held_out_error_does_not_count_against_the_margin_threshold() {
        // 44 correct held-out predictions with margins 0.2…0.9 and one wrong at margin 0.95: covered,
        // the error sits above every threshold and the target (Wilson bound of 44/45) is out of reach.
        func heldOut(wrongCoverage: Double?) -> [(candidate: HardExampleDetector.Candidate, trueClass: Int)] {
            let correct = (0..<44).map { i -> (candidate: HardExampleDetector.Candidate, trueClass: Int) in
                let margin = 0.2 + 0.7 * Double(i) / 43
                let p = ClassPrediction(probabilities: [(1 + margin) / 2, (1 - margin) / 2 - 0.001, 0.001])
                return (.init(prediction: p, neighbourClass: 0, relativeDistance: 0.5, width: 32, height: 32, labelCoverage: 1), 0)
            }
            let p = ClassPrediction(probabilities: [0.974, 0.024, 0.002])
            return correct + [(.init(prediction: p, neighbourClass: 0, relativeDistance: 0.5, width: 32, height: 32, labelCoverage: wrongCoverage), 1)]
        }
        var covered = HardExampleDetector(configuration: .init(), trainingSizes: [(32, 32)])
        covered.calibrate(heldOut: heldOut(wrongCoverage: 1))
        var uncovered = HardExampleDetector(configuration: .init(), trainingSizes: [(32, 32)])
        uncovered.calibrate(heldOut: heldOut(wrongCoverage: -1))
        #expect(!covered.calibration.selectionReachedTarget)
        #expect(uncovered.calibration.selectionReachedTarget && uncovered.calibration.marginThreshold < 0.25)
    }
}
