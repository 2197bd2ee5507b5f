import Foundation
import LabelingDomain
import Testing
@testable import AutoLabeling

/// Reasons 2 and 3 rest on six doubts (neighbours, label spreading, committee dissent; centroid
/// distance, hand-label coverage, unrepresented group). Active learning asks for two of them
/// before a label is hard: one doubt alone marks mostly right labels, so it no longer flags; two
/// flag, with the reasons of both; the margin rule and the size reasons are unchanged.
struct DoubtCorroborationTests {
    static let confident = ClassPrediction(probabilities: [0.9, 0.06, 0.04])

    func detector(corroboration: Int) -> HardExampleDetector {
        var configuration = HardExampleDetector.Configuration(targetAccuracy: 0.95)
        configuration.corroboration = corroboration
        var detector = HardExampleDetector(configuration: configuration, trainingSizes: [(32, 32), (40, 30)])
        detector.overrideMarginThreshold(0.3)
        return detector
    }

    func candidate(
        neighbour: Int = 0, spreading: Int? = nil, distance: Double = 0.5, committee: [Int] = [], coverage: Double? = nil,
        unrepresented: Bool = false, width: Int = 32
    ) -> HardExampleDetector.Candidate {
        .init(
            prediction: Self.confident, neighbourClass: neighbour, spreadingClass: spreading, relativeDistance: distance, width: width,
            height: 32, committeeClasses: committee, labelCoverage: coverage, unrepresented: unrepresented)
    }

    @Test func test_active_learning_asks_for_two_doubts() {
        #expect(ActiveLearningPipeline().doubtCorroboration == 2)
        #expect(ActiveLearningPipeline.hardExampleConfiguration(targetAccuracy: 0.9, corroboration: 2).corroboration == 2)
        #expect(ActiveLearningPipeline.hardExampleConfiguration(targetAccuracy: 0.9, corroboration: 0).corroboration == 1)
        #expect(HardExampleDetector.Configuration().corroboration == 1)
    }

    @Test func test_a_single_doubt_flags_only_when_one_is_enough() {
        let singles = [
            candidate(neighbour: 1), candidate(spreading: 2), candidate(distance: 1.5), candidate(committee: [0, 1, 0]),
            candidate(coverage: -0.2), candidate(unrepresented: true),
        ]
        for single in singles {
            #expect(detector(corroboration: 2).assess(single) == nil, "\(single)")
            #expect(detector(corroboration: 1).assess(single) != nil, "\(single)")
        }
    }

    @Test func test_two_doubts_flag_with_the_reasons_of_both() {
        let strict = detector(corroboration: 2)
        #expect(strict.assess(candidate(neighbour: 1, distance: 1.5))?.reasons == [.clusteringDisagrees, .farFromSameClassTrainingData])
        #expect(strict.assess(candidate(neighbour: 1, spreading: 1))?.reasons == [.clusteringDisagrees])
        #expect(strict.assess(candidate(coverage: -1, unrepresented: true))?.reasons == [.farFromSameClassTrainingData])
        #expect(strict.assess(candidate(committee: [1, 0, 0], unrepresented: true))?.reasons == [.clusteringDisagrees, .farFromSameClassTrainingData])
        // The size reasons and the margin rule need no second doubt.
        #expect(strict.assess(candidate(width: 400))?.reasons == [.resolutionOutlier, .aspectRatioOutlier])
        let unsure = HardExampleDetector.Candidate(
            prediction: ClassPrediction(probabilities: [0.5, 0.4, 0.1]), neighbourClass: 0, relativeDistance: 0.5, width: 32, height: 32)
        #expect(strict.assess(unsure)?.reasons == [.lowConfidence])
    }
}
