/// Laplacian eigenmaps (Belkin & Niyogi, 2003) of a ``LabelSpreading`` graph: each row's
/// coordinates along the graph's smoothest non-trivial directions, appended to the image
/// features in `accurate` mode so that the classifier also learns from how all images,
/// labeled or not, cluster.
///
/// With `S = D^-½ W D^-½` (the graph's normalised weights), the embedding takes the
/// eigenvectors of the `dimensions` largest eigenvalues of `S` orthogonal to `D^½·1` (the
/// trivial eigenvector of eigenvalue 1, which after scaling is the same for every row),
/// scales each by `D^-½` (the random-walk form scikit-learn's `SpectralEmbedding` returns)
/// and scales each row to unit length. On a disconnected graph the first coordinates tell
/// the components apart (eigenvalue 1 again). The eigenvectors come from Lanczos iterations,
/// fully reorthogonalised against the basis and the trivial vector, and a Jacobi
/// eigendecomposition of the tridiagonal matrix; when the Krylov space closes (a repeated
/// eigenvalue) a fresh seeded vector continues it, so repeated eigenvalues are found too.
///
/// Invariants: `rows(of:)` returns one vector of `dimensions` per graph row, of length 1 or 0
/// (a row with no neighbours); equal graphs and seeds give equal embeddings; each
/// eigenvector's sign is fixed (its largest-magnitude entry is positive), so the result does
/// not depend on the solver's arbitrary signs.
///
/// ```swift
/// let graph = try LabelSpreading(rows: allRows, neighbours: 10)
/// let embedding = SpectralEmbedding(graph: graph, dimensions: 20, seed: 7)
/// let extra = embedding.rows       // one [Float] of 20 per row of `allRows`
/// ```
public struct SpectralEmbedding: Sendable {
    /// One unit-length (or zero) vector per graph row.
    public let rows: [[Float]]
    /// The eigenvalues of `S` behind the kept coordinates, largest first.
    public let eigenvalues: [Double]
    /// The largest residual `‖S·v − λ·v‖` among the kept unit eigenvectors: how far the
    /// Lanczos steps are from converged (0 for an exact eigenvector).
    public let maximumResidual: Double

    /// - Parameters:
    ///   - dimensions: coordinates per row, at least 1 (the last ones stay 0 when the graph
    ///     has no more than `dimensions` rows).
    ///   - seed: of the Lanczos start vectors.
    ///   - steps: Lanczos steps (the Krylov dimension); by default enough for the extreme
    ///     eigenvalues to converge: `max(8 · dimensions, 120)`, at most the row count − 1.
    public init(graph: LabelSpreading, dimensions: Int, seed: UInt64, steps: Int? = nil) {
        let n = graph.rowStart.count - 1
        let wanted = min(max(1, dimensions), n - 1)
        let m = min(n - 1, max(steps ?? max(8 * wanted, 120), wanted))
        guard wanted > 0 else {
            rows = [[Float]](repeating: [Float](repeating: 0, count: max(1, dimensions)), count: n)
            eigenvalues = []
            maximumResidual = 0
            return
        }
        // √degree: the trivial eigenvector (once normalised) and the D^-½ scaling of the others.
        let rootDegrees = (0..<n).map { Double(graph.rowStart[$0 + 1] - graph.rowStart[$0]).squareRoot() }
        let length = Self.dot(rootDegrees, rootDegrees).squareRoot()
        let (values, vectors) = Self.largestEigenpairs(
            graph, count: wanted, steps: m, seed: seed, excluding: length > 0 ? [rootDegrees.map { $0 / length }] : [])
        var rows = [[Float]](repeating: [Float](repeating: 0, count: max(1, dimensions)), count: n)
        for i in 0..<n where rootDegrees[i] > 0 {
            let row = vectors.map { $0[i] / rootDegrees[i] }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { continue }
            for (c, value) in row.enumerated() { rows[i][c] = Float(value / norm) }
        }
        self.rows = rows
        self.eigenvalues = values
        maximumResidual = zip(values, vectors).map { value, vector in
            zip(Self.multiply(graph, vector), vector).reduce(0) { $0 + ($1.0 - value * $1.1) * ($1.0 - value * $1.1) }.squareRoot()
        }.max() ?? 0
    }

    /// `y = S·x` with the graph's normalised weights.
    static func multiply(_ graph: LabelSpreading, _ x: [Double]) -> [Double] {
        let n = x.count
        var y = [Double](repeating: 0, count: n)
        graph.rowStart.withUnsafeBufferPointer { start in
            graph.neighbour.withUnsafeBufferPointer { nb in
                graph.weight.withUnsafeBufferPointer { w in
                    for i in 0..<n {
                        var sum = 0.0
                        for e in start[i]..<start[i + 1] { sum += w[e] * x[nb[e]] }
                        y[i] = sum
                    }
                }
            }
        }
        return y
    }

    /// The `count` largest eigenvalues of `S` (descending) and their unit eigenvectors, within the
    /// orthogonal complement of `excluding` (orthonormal eigenvectors of `S`). `count + excluding.count`
    /// and `steps + excluding.count` must not exceed the row count.
    static func largestEigenpairs(
        _ graph: LabelSpreading, count: Int, steps: Int, seed: UInt64, excluding: [[Double]] = []
    ) -> (values: [Double], vectors: [[Double]]) {
        let n = graph.rowStart.count - 1
        var generator = SplitMix64(seed: seed)
        var basis: [[Double]] = []
        var alpha: [Double] = [], beta: [Double] = []
        var q = Self.freshVector(n, orthogonalTo: excluding, using: &generator)
        for j in 0..<steps {
            basis.append(q)
            var w = multiply(graph, q)
            let a = dot(w, q)
            alpha.append(a)
            // Full reorthogonalisation, twice ("twice is enough"): keeps the basis orthonormal in floating point.
            for _ in 0..<2 {
                for v in excluding + basis {
                    let c = dot(w, v)
                    for i in 0..<n { w[i] -= c * v[i] }
                }
            }
            guard j + 1 < steps else { break }
            let b = dot(w, w).squareRoot()
            if b > 1e-9 {
                beta.append(b)
                q = w.map { $0 / b }
            } else {
                // An invariant subspace: continue from a new direction; the tridiagonal matrix decouples here.
                beta.append(0)
                q = Self.freshVector(n, orthogonalTo: excluding + basis, using: &generator)
            }
        }
        let (ritzValues, ritzVectors) = Self.symmetricEigen(tridiagonal: alpha, offDiagonal: beta)
        let order = ritzValues.indices.sorted { ritzValues[$0] > ritzValues[$1] || (ritzValues[$0] == ritzValues[$1] && $0 < $1) }
        let take = Array(order.prefix(count))
        var vectors: [[Double]] = []
        for k in take {
            var v = [Double](repeating: 0, count: n)
            for (j, b) in basis.enumerated() {
                let c = ritzVectors[j][k]
                if c == 0 { continue }
                for i in 0..<n { v[i] += c * b[i] }
            }
            let norm = dot(v, v).squareRoot()
            if norm > 0 { v = v.map { $0 / norm } }
            if let largest = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[largest] < 0 { v = v.map { -$0 } }
            vectors.append(v)
        }
        return (take.map { ritzValues[$0] }, vectors)
    }

    /// A seeded random unit vector orthogonal to `basis` (which must span less than the space).
    static func freshVector(_ n: Int, orthogonalTo basis: [[Double]], using generator: inout SplitMix64) -> [Double] {
        while true {
            var v = (0..<n).map { _ in Double(generator.next() >> 11) / Double(1 << 53) - 0.5 }
            for _ in 0..<2 {
                for b in basis {
                    let c = dot(v, b)
                    for i in 0..<n { v[i] -= c * b[i] }
                }
            }
            let norm = dot(v, v).squareRoot()
            if norm > 1e-6 { return v.map { $0 / norm } }
        }
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in for i in 0..<x.count { sum += x[i] * y[i] } } }
        return sum
    }

    /// Eigenvalues and eigenvectors (columns: `vectors[row][k]` belongs to `values[k]`) of the
    /// symmetric tridiagonal matrix with `diagonal` and `offDiagonal` (one shorter), by cyclic
    /// Jacobi rotations until the off-diagonal mass is negligible.
    static func symmetricEigen(tridiagonal diagonal: [Double], offDiagonal: [Double]) -> (values: [Double], vectors: [[Double]]) {
        let m = diagonal.count
        var a = [Double](repeating: 0, count: m * m)
        for i in 0..<m { a[i * m + i] = diagonal[i] }
        for i in 0..<min(offDiagonal.count, m - 1) {
            a[i * m + i + 1] = offDiagonal[i]
            a[(i + 1) * m + i] = offDiagonal[i]
        }
        var v = [Double](repeating: 0, count: m * m)
        for i in 0..<m { v[i * m + i] = 1 }
        let scale = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<m { for q in (p + 1)..<m { off += a[p * m + q] * a[p * m + q] } }
            if off <= 1e-26 * max(scale, 1e-300) { break }
            for p in 0..<(m - 1) {
                for q in (p + 1)..<m {
                    let apq = a[p * m + q]
                    if abs(apq) < 1e-300 { continue }
                    let theta = (a[q * m + q] - a[p * m + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<m {
                        let akp = a[k * m + p], akq = a[k * m + q]
                        a[k * m + p] = c * akp - s * akq
                        a[k * m + q] = s * akp + c * akq
                    }
                    for k in 0..<m {
                        let apk = a[p * m + k], aqk = a[q * m + k]
                        a[p * m + k] = c * apk - s * aqk
                        a[q * m + k] = s * apk + c * aqk
                    }
                    for k in 0..<m {
                        let vkp = v[k * m + p], vkq = v[k * m + q]
                        v[k * m + p] = c * vkp - s * vkq
                        v[k * m + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let values = (0..<m).map { a[$0 * m + $0] }
        let vectors = (0..<m).map { row in Array(v[(row * m)..<((row + 1) * m)]) }
        return (values, vectors)
    }
}
