/// Multinomial logistic regression with an L2 penalty, trained by full-batch Adam.
///
/// Objective: mean weighted cross-entropy + `l2 / 2 · ‖W‖²` (the bias is not penalised).
/// With `l2 = 1 / (C · n)` this is scikit-learn's `LogisticRegression(C:)` objective
/// divided by `C · n`.
///
/// Invariants: training is deterministic — full batches, fixed iteration count, no
/// randomness — so the same data and warm start give bit-identical weights.
///
/// ```swift
/// var model = LogisticRegression(classes: 10, dimension: 312)
/// model.fit(rows: x, labels: y, l2: 0.02, iterations: 150)
/// let probabilities = model.probabilities(x[0], temperature: 1.3)
/// ```
public struct LogisticRegression: Sendable, Equatable {
    public let classes: Int
    public let dimension: Int
    /// `classes × dimension`, row-major.
    public var weights: [Float]
    public var biases: [Float]

    public init(classes: Int, dimension: Int) {
        precondition(classes >= 2 && dimension >= 1)
        self.classes = classes
        self.dimension = dimension
        self.weights = [Float](repeating: 0, count: classes * dimension)
        self.biases = [Float](repeating: 0, count: classes)
    }

    /// Trains from the current weights (warm start). `rows` are standardised feature
    /// vectors; `labels` class indices; `sampleWeights` defaults to 1 for every row.
    /// `shouldStop` is polled every iteration; returning true ends training early.
    public mutating func fit(
        rows: [[Float]], labels: [Int], sampleWeights: [Float]? = nil, l2: Float, iterations: Int,
        learningRate: Float = 0.05, shouldStop: () -> Bool = { false }
    ) {
        precondition(rows.count == labels.count && !rows.isEmpty)
        let n = rows.count, k = classes, d = dimension
        let flat = rows.flatMap { $0 }
        precondition(flat.count == n * d, "every row has `dimension` values")
        let weightsOfRows = sampleWeights ?? [Float](repeating: 1, count: n)
        let totalWeight = weightsOfRows.reduce(0, +)
        var gradW = [Float](repeating: 0, count: k * d), gradB = [Float](repeating: 0, count: k)
        var mW = gradW, vW = gradW, mB = gradB, vB = gradB
        let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
        var logits = [Float](repeating: 0, count: k)
        for step in 1...max(iterations, 1) {
            if shouldStop() { return }
            for i in 0..<gradW.count { gradW[i] = 0 }
            for i in 0..<k { gradB[i] = 0 }
            flat.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    gradW.withUnsafeMutableBufferPointer { gw in
                        for i in 0..<n {
                            let row = x.baseAddress! + i * d
                            var maxLogit = -Float.infinity
                            for c in 0..<k {
                                let s = biases[c] + FloatKernels.dot(w.baseAddress! + c * d, row, count: d)
                                logits[c] = s
                                maxLogit = max(maxLogit, s)
                            }
                            var sum: Float = 0
                            for c in 0..<k {
                                logits[c] = expf(logits[c] - maxLogit)
                                sum += logits[c]
                            }
                            let sw = weightsOfRows[i] / totalWeight
                            for c in 0..<k {
                                let diff = (logits[c] / sum - (c == labels[i] ? 1 : 0)) * sw
                                if diff == 0 { continue }
                                gradB[c] += diff
                                FloatKernels.addScaled(diff, row, to: gw.baseAddress! + c * d, count: d)
                            }
                        }
                    }
                }
            }
            let correction1 = 1 - powf(beta1, Float(step)), correction2 = 1 - powf(beta2, Float(step))
            for i in 0..<weights.count {
                let g = gradW[i] + l2 * weights[i]
                mW[i] = beta1 * mW[i] + (1 - beta1) * g
                vW[i] = beta2 * vW[i] + (1 - beta2) * g * g
                weights[i] -= learningRate * (mW[i] / correction1) / ((vW[i] / correction2).squareRoot() + epsilon)
            }
            for c in 0..<k {
                let g = gradB[c]
                mB[c] = beta1 * mB[c] + (1 - beta1) * g
                vB[c] = beta2 * vB[c] + (1 - beta2) * g * g
                biases[c] -= learningRate * (mB[c] / correction1) / ((vB[c] / correction2).squareRoot() + epsilon)
            }
        }
    }

    /// The raw class scores of one standardised row.
    public func logits(_ row: [Float]) -> [Float] {
        precondition(row.count == dimension)
        var out = biases
        weights.withUnsafeBufferPointer { w in
            row.withUnsafeBufferPointer { x in
                for c in 0..<classes {
                    out[c] += FloatKernels.dot(w.baseAddress! + c * dimension, x.baseAddress!, count: dimension)
                }
            }
        }
        return out
    }

    /// Softmax of `logits / temperature`.
    public static func softmax(_ logits: [Float], temperature: Float = 1) -> [Double] {
        let scaled = logits.map { Double($0 / temperature) }
        let top = scaled.max()!
        let exps = scaled.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }
}

#if canImport(Glibc)
import Glibc
#endif
