/// Standardises features to zero mean and unit variance per dimension.
///
/// Invariant: dimensions with (near) zero variance are centred and left unscaled,
/// so a constant feature never divides by zero.
public struct FeatureScaler: Sendable, Equatable {
    public var means: [Float]
    public var scales: [Float]

    /// Fits on `rows` (each of the same length, at least one row).
    public init(fitting rows: [[Float]]) {
        precondition(!rows.isEmpty)
        let d = rows[0].count
        var means = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        for row in rows {
            for j in 0..<d {
                means[j] += Double(row[j])
                squares[j] += Double(row[j]) * Double(row[j])
            }
        }
        let n = Double(rows.count)
        self.means = means.map { Float($0 / n) }
        self.scales = (0..<d).map { j in
            let variance = max(squares[j] / n - (means[j] / n) * (means[j] / n), 0)
            return variance > 1e-10 ? Float(1 / variance.squareRoot()) : 1
        }
    }

    public func transform(_ row: [Float]) -> [Float] {
        var out = row
        for j in 0..<out.count { out[j] = (out[j] - means[j]) * scales[j] }
        return out
    }
}
