import Foundation
import LabelingDomain
import Testing
import TestSupport
@testable import AutoLabeling

/// Label spreading over the k-nearest-neighbour graph: the second predictor of reason 2.
struct LabelSpreadingTests {
    /// Two well separated clusters along a line, seeded randomly inside each.
    static func clusters(seed: UInt64, perCluster: Int = 20) -> [[Float]] {
        var generator = SplitMix64(seed: seed)
        return (0..<(2 * perCluster)).map { i in
            let centre: Float = i < perCluster ? -5 : 5
            return [centre + Float(generator.next() % 1000) / 1000, Float(generator.next() % 1000) / 1000]
        }
    }

    @Test func test_one_seed_per_cluster_labels_each_whole_cluster() throws {
        let rows = Self.clusters(seed: 11)
        let graph = try LabelSpreading(rows: rows, neighbours: 5)
        let spread = graph.spread(seeds: [(row: 0, label: 0), (row: 39, label: 1)], classCount: 2)
        #expect((0..<20).allSatisfy { spread.topClass(of: $0) == 0 })
        #expect((20..<40).allSatisfy { spread.topClass(of: $0) == 1 })
        let distribution = try #require(spread.distribution(of: 5))
        #expect(abs(distribution.reduce(0, +) - 1) < 1e-9)
    }

    @Test func test_a_row_no_seed_reaches_has_no_class() throws {
        // Two components (k = 1 links each point only to its nearest neighbour); seeds in one only.
        let rows: [[Float]] = [[0], [0.1], [100], [100.1]]
        let spread = try LabelSpreading(rows: rows, neighbours: 1).spread(seeds: [(row: 0, label: 1)], classCount: 2)
        #expect(spread.topClass(of: 1) == 1)
        #expect(spread.topClass(of: 2) == nil && spread.distribution(of: 3) == nil)
    }

    @Test func test_a_graph_too_large_for_the_distance_matrix_is_the_same_graph() throws {
        // Over the matrix budget each row's distances are computed on the fly: same neighbours, same weights.
        let rows = Self.clusters(seed: 8, perCluster: 40)
        let matrix = try LabelSpreading(rows: rows, neighbours: 6)
        let streamed = try LabelSpreading(rows: rows, neighbours: 6, alpha: 0.9, matrixBudget: 0, shouldStop: { false })
        #expect(matrix.rowStart == streamed.rowStart && matrix.neighbour == streamed.neighbour)
        #expect(matrix.weight == streamed.weight)
        #expect(LabelSpreading.matrixBudget >= 8_192 * 8_192 * MemoryLayout<Float>.size)
    }

    @Test func test_spreading_is_deterministic() throws {
        let rows = Self.clusters(seed: 5)
        let seeds = [(row: 3, label: 0), (row: 25, label: 1)]
        let a = try LabelSpreading(rows: rows).spread(seeds: seeds, classCount: 2)
        let b = try LabelSpreading(rows: rows).spread(seeds: seeds, classCount: 2)
        #expect((0..<rows.count).map { a.distribution(of: $0) } == (0..<rows.count).map { b.distribution(of: $0) })
    }

    @Test func test_a_stop_request_cancels_building_the_graph() {
        #expect(throws: CancellationError.self) { try LabelSpreading(rows: Self.clusters(seed: 1), shouldStop: { true }) }
    }

    @Test func test_the_spreading_predictor_disagreeing_gives_reason_2() {
        var detector = HardExampleDetector(configuration: .init(), trainingSizes: [(32, 32)])
        detector.overrideMarginThreshold(0.1)
        let p = ClassPrediction(probabilities: [0.9, 0.05, 0.05])
        let agreeing = HardExampleDetector.Candidate(
            prediction: p, neighbourClass: 0, spreadingClass: 0, relativeDistance: 0.5, width: 32, height: 32)
        var disagreeing = agreeing
        disagreeing.spreadingClass = 2
        #expect(detector.assess(agreeing) == nil)
        #expect(detector.assess(disagreeing)?.reasons == [.clusteringDisagrees])
    }
}
