/// A k-nearest-neighbours vote on standardised features: the independent second
/// predictor of hard-example reason 2.
///
/// Invariant: ties between classes go to the class with the smaller summed distance,
/// then to the smaller class index, so the vote is deterministic.
public struct NearestNeighbours: Sendable {
    public var rows: [[Float]]
    public var labels: [Int]
    public var k: Int

    public init(rows: [[Float]], labels: [Int], k: Int = 5) {
        precondition(rows.count == labels.count)
        self.rows = rows
        self.labels = labels
        self.k = k
    }

    /// The majority class among the `k` nearest reference rows, skipping reference `excluding` (leave-one-out).
    public func vote(_ row: [Float], excluding: Int? = nil) -> Int? {
        var nearest: [(distance: Float, label: Int)] = []
        for (i, reference) in rows.enumerated() where i != excluding {
            let d = FloatKernels.squaredDistance(row, reference)
            if nearest.count < k {
                nearest.append((d, labels[i]))
                nearest.sort { $0.distance < $1.distance }
            } else if d < nearest[k - 1].distance {
                nearest[k - 1] = (d, labels[i])
                nearest.sort { $0.distance < $1.distance }
            }
        }
        guard !nearest.isEmpty else { return nil }
        var votes: [Int: (count: Int, distance: Float)] = [:]
        for n in nearest {
            votes[n.label, default: (0, 0)].count += 1
            votes[n.label]!.distance += n.distance
        }
        return votes.min { a, b in
            if a.value.count != b.value.count { return a.value.count > b.value.count }
            if a.value.distance != b.value.distance { return a.value.distance < b.value.distance }
            return a.key < b.key
        }!.key
    }
}
