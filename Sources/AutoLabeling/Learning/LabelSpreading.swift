/// Label spreading (Zhou et al., 2004) on a symmetric k-nearest-neighbour graph of
/// feature rows: the graph-based second predictor of hard-example reason 2 (the same
/// graph gives ``SpectralEmbedding`` its coordinates).
///
/// It sees only the seed labels it is given (never the classifier's pseudo-labels), so
/// its mistakes are largely independent of the logistic regression's: where the two
/// disagree, at least one of them is wrong.
///
/// The graph is built once from every row (labeled and unlabeled); ``spread(seeds:classCount:)``
/// then runs `F ← α·S·F + (1 − α)·Y` with `S = D^-½ W D^-½` until the change is below
/// ``tolerance`` (or ``maximumIterations``), so spreading from different seed sets (the
/// held-out folds) costs little.
///
/// Invariants: deterministic (neighbour ties go to the smaller row index); a row that no
/// seed reaches gets no class; memory is O(n·k) beyond the pairwise matrix's budget
/// (``matrixBudget``), so a large dataset costs time, never an out-of-memory kill.
///
/// ```swift
/// let graph = LabelSpreading(rows: labeledRows + unlabeledRows, neighbours: 10)
/// let spread = graph.spread(seeds: labels.enumerated().map { ($0.offset, $0.element) }, classCount: 10)
/// let second = spread.topClass(of: labeledRows.count)      // the first unlabeled row
/// ```
public struct LabelSpreading: Sendable {
    /// Weight of the graph against the seeds (sklearn's `alpha`, in (0, 1)).
    public var alpha: Double
    public var maximumIterations = 100
    /// Stop when the summed absolute change of the class scores falls below it.
    public var tolerance = 1e-3
    /// The graph in compressed rows: row `i`'s neighbours are `neighbour[rowStart[i]..<rowStart[i + 1]]`
    /// with normalised weights `S_ij` in `weight` at the same indices.
    let rowStart: [Int]
    /// Each row's `k` nearest other rows, nearest first (ties to the smaller index): the
    /// directed lists the symmetric graph was made from (``UnrepresentedGroups`` reads them).
    public let nearestRows: [[Int]]
    let neighbour: [Int]
    let weight: [Double]

    /// Builds the graph.
    /// - Parameters:
    ///   - rows: features, all of the same length, on the scales distances should weigh them by
    ///     (``ActiveLearningPipeline`` passes the image features unstandardised).
    ///   - neighbours: `k` of the k-nearest-neighbour graph (symmetrised: an edge when
    ///     either row is among the other's `k` nearest).
    ///   - shouldStop: polled once per row; when it returns true, building throws `CancellationError`.
    public init(rows: [[Float]], neighbours: Int = 10, alpha: Double = 0.9, shouldStop: () -> Bool = { false }) throws {
        try self.init(rows: rows, neighbours: neighbours, alpha: alpha, matrixBudget: Self.matrixBudget, shouldStop: shouldStop)
    }

    /// Bytes the pairwise distance matrix may take (256 MiB: up to 8,192 rows); beyond it each
    /// row's distances are computed when the row is visited, twice the arithmetic in bounded memory.
    static let matrixBudget = 256 << 20

    init(rows: [[Float]], neighbours: Int, alpha: Double, matrixBudget: Int, shouldStop: () -> Bool) throws {
        self.alpha = alpha
        let n = rows.count, k = min(max(1, neighbours), max(0, n - 1))
        var adjacency = [Set<Int>](repeating: [], count: n)
        var nearestRows = [[Int]](repeating: [], count: n)
        if k > 0 {
            // Each pair's distance once, in a matrix, when it fits the budget.
            var matrix: [Float] = []
            if n * n * MemoryLayout<Float>.size <= matrixBudget {
                matrix = [Float](repeating: 0, count: n * n)
                for i in 0..<n {
                    if shouldStop() { throw CancellationError() }
                    for j in (i + 1)..<n {
                        let d = FloatKernels.squaredDistance(rows[i], rows[j])
                        matrix[i * n + j] = d
                        matrix[j * n + i] = d
                    }
                }
            }
            var distances = [Float](repeating: 0, count: n)
            for i in 0..<n {
                if matrix.isEmpty {
                    if shouldStop() { throw CancellationError() }
                    for j in 0..<n where j != i { distances[j] = FloatKernels.squaredDistance(rows[i], rows[j]) }
                } else {
                    for j in 0..<n { distances[j] = matrix[i * n + j] }
                }
                // The k nearest other rows, ties to the smaller index.
                var nearest: [(distance: Float, row: Int)] = []
                nearest.reserveCapacity(k + 1)
                for j in 0..<n where j != i {
                    let d = distances[j]
                    if nearest.count == k, d >= nearest[k - 1].distance { continue }
                    var at = nearest.count
                    while at > 0, nearest[at - 1].distance > d { at -= 1 }
                    nearest.insert((d, j), at: at)
                    if nearest.count > k { nearest.removeLast() }
                }
                nearestRows[i] = nearest.map(\.row)
                for m in nearest {
                    adjacency[i].insert(m.row)
                    adjacency[m.row].insert(i)
                }
            }
        }
        let degrees = adjacency.map { Double($0.count) }
        var rowStart = [0], neighbour: [Int] = [], weight: [Double] = []
        for (i, neighbours) in adjacency.enumerated() {
            for j in neighbours.sorted() {
                neighbour.append(j)
                weight.append(1 / (degrees[i] * degrees[j]).squareRoot())
            }
            rowStart.append(neighbour.count)
        }
        self.rowStart = rowStart
        self.neighbour = neighbour
        self.weight = weight
        self.nearestRows = nearestRows
    }

    /// Spreads the seed labels over the graph.
    /// - Parameter seeds: row index and class index (in `0..<classCount`) of each seed.
    public func spread(seeds: [(row: Int, label: Int)], classCount: Int) -> Spread {
        let n = rowStart.count - 1, k = classCount
        var prior = [Double](repeating: 0, count: n * k)
        for seed in seeds { prior[seed.row * k + seed.label] = 1 }
        var scores = prior, next = prior
        for _ in 0..<maximumIterations {
            var change = 0.0
            rowStart.withUnsafeBufferPointer { start in
                neighbour.withUnsafeBufferPointer { nb in
                    weight.withUnsafeBufferPointer { w in
                        prior.withUnsafeBufferPointer { y in
                            scores.withUnsafeBufferPointer { f in
                                next.withUnsafeMutableBufferPointer { out in
                                    for i in 0..<n {
                                        let row = i * k
                                        for c in 0..<k { out[row + c] = 0 }
                                        for e in start[i]..<start[i + 1] {
                                            let j = nb[e] * k, weight = w[e]
                                            for c in 0..<k { out[row + c] += weight * f[j + c] }
                                        }
                                        for c in 0..<k {
                                            let value = alpha * out[row + c] + (1 - alpha) * y[row + c]
                                            change += abs(value - f[row + c])
                                            out[row + c] = value
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            swap(&scores, &next)
            if change < tolerance { break }
        }
        return Spread(scores: scores, classCount: classCount)
    }

    /// Class scores per row after spreading.
    public struct Spread: Sendable {
        let scores: [Double]
        public let classCount: Int

        /// The row's class distribution (scores normalised to sum 1), nil when no seed reached it.
        public func distribution(of row: Int) -> [Double]? {
            let slice = scores[(row * classCount)..<((row + 1) * classCount)]
            let total = slice.reduce(0, +)
            guard total > 0 else { return nil }
            return slice.map { $0 / total }
        }

        /// The row's raw score of class `c` (0 when no seed of `c` reached it): the summed influence
        /// of the class's seeds, which grows with their number and shrinks with graph distance.
        public func score(of row: Int, class c: Int) -> Double {
            scores[row * classCount + c]
        }

        /// The row's class with the highest score (ties: smaller class index), nil when no seed reached it.
        public func topClass(of row: Int) -> Int? {
            guard let p = distribution(of: row) else { return nil }
            return p.indices.max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) }
        }
    }
}
