/// Per-class centroids of standardised training features and, per class, the
/// distance quantile beyond which a sample counts as far from that class
/// (hard-example reason 3).
///
/// Invariant: every class with training rows has a threshold > 0.
public struct ClassDistanceModel: Sendable {
    public var centroids: [Int: [Float]]
    public var thresholds: [Int: Double]

    public init(rows: [[Float]], labels: [Int], quantile: Double) {
        var sums: [Int: [Float]] = [:], counts: [Int: Int] = [:]
        for (row, label) in zip(rows, labels) {
            if sums[label] == nil { sums[label] = [Float](repeating: 0, count: row.count) }
            for j in 0..<row.count { sums[label]![j] += row[j] }
            counts[label, default: 0] += 1
        }
        centroids = sums.mapValues { $0 }
        for (label, count) in counts { centroids[label] = sums[label]!.map { $0 / Float(count) } }
        var distances: [Int: [Double]] = [:]
        for (row, label) in zip(rows, labels) {
            distances[label, default: []].append(Double(FloatKernels.squaredDistance(row, centroids[label]!)).squareRoot())
        }
        thresholds = distances.mapValues { values in
            let sorted = values.sorted()
            let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * quantile).rounded(.up)))
            // Few training rows underestimate the spread: widen by the sample-size factor (1 + 1/√n).
            return max(sorted[index] * (1 + 1 / Double(sorted.count).squareRoot()), 1e-6)
        }
    }

    /// Distance to `label`'s centroid divided by its threshold (nil for an unknown class).
    public func relativeDistance(_ row: [Float], to label: Int) -> Double? {
        guard let centroid = centroids[label], let threshold = thresholds[label] else { return nil }
        return Double(FloatKernels.squaredDistance(row, centroid)).squareRoot() / threshold
    }
}
