import Foundation
import Testing
@testable import AutoLabeling

/// Laplacian eigenmaps of the spreading graph: the coordinates `accurate` mode appends to the features.
struct SpectralEmbeddingTests {
    /// Points on a circle: with k = 2 every point links to its two neighbours, a cycle graph,
    /// whose normalised adjacency has the eigenvalues cos(2πj/n).
    static func circle(_ n: Int) -> [[Float]] {
        (0..<n).map { i in
            let angle = 2 * Double.pi * Double(i) / Double(n)
            return [Float(cos(angle)), Float(sin(angle))]
        }
    }

    @Test func test_the_eigenvalues_of_a_cycle_graph_are_found() throws {
        let n = 60
        let graph = try LabelSpreading(rows: Self.circle(n), neighbours: 2)
        let (values, vectors) = SpectralEmbedding.largestEigenpairs(graph, count: 7, steps: 60, seed: 3)
        let expected = (0..<n).map { cos(2 * Double.pi * Double($0) / Double(n)) }.sorted(by: >).prefix(7)
        for (value, truth) in zip(values, expected) { #expect(abs(value - truth) < 1e-8) }
        // Each vector is a unit eigenvector: S·v = λ·v.
        for (value, vector) in zip(values, vectors) {
            let image = SpectralEmbedding.multiply(graph, vector)
            let residual = zip(image, vector).map { ($0 - value * $1) * ($0 - value * $1) }.reduce(0, +).squareRoot()
            #expect(residual < 1e-6)
            #expect(abs(SpectralEmbedding.dot(vector, vector) - 1) < 1e-9)
        }
    }

    @Test func test_jacobi_diagonalises_a_tridiagonal_matrix() {
        var generator = SplitMix64(seed: 9)
        let m = 12
        let diagonal = (0..<m).map { _ in Double(generator.next() % 1000) / 500 - 1 }
        let off = (0..<(m - 1)).map { _ in Double(generator.next() % 1000) / 500 - 1 }
        let (values, vectors) = SpectralEmbedding.symmetricEigen(tridiagonal: diagonal, offDiagonal: off)
        for k in 0..<m {
            for i in 0..<m {
                var product = diagonal[i] * vectors[i][k]
                if i > 0 { product += off[i - 1] * vectors[i - 1][k] }
                if i + 1 < m { product += off[i] * vectors[i + 1][k] }
                #expect(abs(product - values[k] * vectors[i][k]) < 1e-9)
            }
        }
        #expect(abs(values.reduce(0, +) - diagonal.reduce(0, +)) < 1e-9)
    }

    @Test func test_two_separate_clusters_get_opposite_first_coordinates() throws {
        // Two components: the eigenvalue 1 is double; a fresh Lanczos vector finds the second one,
        // which tells the components apart.
        let rows = LabelSpreadingTests.clusters(seed: 21)
        let graph = try LabelSpreading(rows: rows, neighbours: 3)
        let embedding = SpectralEmbedding(graph: graph, dimensions: 3, seed: 1)
        #expect(abs(embedding.eigenvalues[0] - 1) < 1e-8)
        #expect(embedding.maximumResidual < 1e-6)
        let left = (0..<20).map { embedding.rows[$0][0] }, right = (20..<40).map { embedding.rows[$0][0] }
        #expect(left.allSatisfy { $0 * left[0] > 0 } && right.allSatisfy { $0 * left[0] < 0 })
        for row in embedding.rows {
            #expect(row.count == 3)
            #expect(abs(row.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        }
    }

    @Test func test_equal_graphs_and_seeds_give_equal_embeddings() throws {
        let rows = LabelSpreadingTests.clusters(seed: 4, perCluster: 30)
        let graph = try LabelSpreading(rows: rows, neighbours: 5)
        let a = SpectralEmbedding(graph: graph, dimensions: 4, seed: 2)
        let b = SpectralEmbedding(graph: try LabelSpreading(rows: rows, neighbours: 5), dimensions: 4, seed: 2)
        #expect(a.rows == b.rows && a.eigenvalues == b.eigenvalues)
        // The solver's start vector does not change the subspace it finds (signs are fixed).
        let c = SpectralEmbedding(graph: graph, dimensions: 4, seed: 99)
        for (x, y) in zip(a.rows, c.rows) { for (p, q) in zip(x, y) { #expect(abs(p - q) < 1e-3) } }
    }

    @Test func test_a_graph_smaller_than_the_dimensions_still_gives_one_vector_per_row() throws {
        let graph = try LabelSpreading(rows: [[0], [1], [2]], neighbours: 1)
        let embedding = SpectralEmbedding(graph: graph, dimensions: 10, seed: 1)
        #expect(embedding.rows.count == 3 && embedding.rows.allSatisfy { $0.count == 10 })
        #expect(embedding.eigenvalues.count == 2)
    }
}
