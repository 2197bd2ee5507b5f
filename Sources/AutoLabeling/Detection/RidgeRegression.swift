/// Linear least squares with an L2 penalty, several outputs at once, solved in closed form
/// (normal equations, Cholesky): the detector's box refinement, which learns from a window's
/// features how far the object's true box lies from it.
///
/// Objective per output: `Σ (y − w·x − b)² + λ‖w‖²` (the bias is not penalised: rows are
/// centred first).
///
/// Invariants: deterministic (no randomness, fixed summation order); the system is positive
/// definite for any λ > 0, so it always solves; with no rows every prediction is 0.
///
/// ```swift
/// let refine = RidgeRegression(rows: features, targets: offsets, outputs: 4, lambda: 10)
/// let offsets = refine.predict(row)   // [dx, dy, dw, dh]
/// ```
struct RidgeRegression: Sendable {
    let dimension: Int
    let outputs: Int
    /// `outputs × dimension`, row-major.
    private let weights: [Double]
    private let biases: [Double]

    init(rows: [[Float]], targets: [[Double]], outputs: Int, lambda: Double) {
        precondition(rows.count == targets.count)
        let d = rows.first?.count ?? 1
        dimension = d
        self.outputs = outputs
        guard !rows.isEmpty else {
            weights = [Double](repeating: 0, count: outputs * d)
            biases = [Double](repeating: 0, count: outputs)
            return
        }
        let n = Double(rows.count)
        var meanX = [Double](repeating: 0, count: d), meanY = [Double](repeating: 0, count: outputs)
        for (row, y) in zip(rows, targets) {
            for j in 0..<d { meanX[j] += Double(row[j]) / n }
            for k in 0..<outputs { meanY[k] += y[k] / n }
        }
        // A = XᵀX + λI and B = XᵀY on centred rows.
        var a = [Double](repeating: 0, count: d * d), b = [Double](repeating: 0, count: d * outputs)
        var centred = [Double](repeating: 0, count: d)
        for (row, y) in zip(rows, targets) {
            for j in 0..<d { centred[j] = Double(row[j]) - meanX[j] }
            for i in 0..<d where centred[i] != 0 {
                let ci = centred[i]
                for j in i..<d { a[i * d + j] += ci * centred[j] }
                for k in 0..<outputs { b[i * outputs + k] += ci * (y[k] - meanY[k]) }
            }
        }
        for i in 0..<d {
            for j in 0..<i { a[i * d + j] = a[j * d + i] }
            a[i * d + i] += lambda
        }
        // Cholesky A = LLᵀ (lower triangle in place).
        for j in 0..<d {
            var s = a[j * d + j]
            for k in 0..<j { s -= a[j * d + k] * a[j * d + k] }
            let pivot = max(s, 1e-12).squareRoot()
            a[j * d + j] = pivot
            for i in (j + 1)..<max(j + 1, d) {
                var t = a[i * d + j]
                for k in 0..<j { t -= a[i * d + k] * a[j * d + k] }
                a[i * d + j] = t / pivot
            }
        }
        var w = [Double](repeating: 0, count: outputs * d)
        for k in 0..<outputs {
            var z = [Double](repeating: 0, count: d)
            for i in 0..<d {
                var t = b[i * outputs + k]
                for m in 0..<i { t -= a[i * d + m] * z[m] }
                z[i] = t / a[i * d + i]
            }
            for i in stride(from: d - 1, through: 0, by: -1) {
                var t = z[i]
                for m in (i + 1)..<max(i + 1, d) { t -= a[m * d + i] * w[k * d + m] }
                w[k * d + i] = t / a[i * d + i]
            }
        }
        weights = w
        biases = (0..<outputs).map { k in meanY[k] - (0..<d).reduce(0) { $0 + w[k * d + $1] * meanX[$1] } }
    }

    func predict(_ row: [Float]) -> [Double] {
        precondition(row.count == dimension)
        return (0..<outputs).map { k in
            var s = biases[k]
            for j in 0..<dimension { s += weights[k * dimension + j] * Double(row[j]) }
            return s
        }
    }
}
