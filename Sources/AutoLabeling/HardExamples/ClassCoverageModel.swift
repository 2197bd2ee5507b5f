import Foundation

/// How strongly the hand labels of a class reach a sample through the feature graph, and
/// per class the coverage below which a sample counts as far from that class's training data
/// (hard-example reason 3, the graph half).
///
/// The coverage of row `i` by class `c` is the label-spreading score of `c` at `i` divided by
/// the number of seeds of `c` (``LabelSpreading/Spread/score(of:class:)``), on a log scale: the
/// mean influence one hand label of `c` has on `i` through the k-nearest-neighbour graph. It
/// is measured against the hand labels only, never the classifier's pseudo-labels, so a tight
/// group of unlabeled samples that no hand label of its predicted class resembles — where the
/// classifier, its committee, the neighbour vote and spreading can all agree on a wrong class
/// because they all learned from the same few labels — still stands out.
///
/// The reference is the hand labels themselves: each labeled sample's coverage by its own
/// class when it is held out (spreading from the other folds' labels, so it never reaches
/// itself). Per class the threshold is the lower end of a one-sided prediction interval,
/// `mean_c − t·s·√(1 + 1/n_c)`, with the class's mean reference coverage `mean_c` over its
/// `n_c` references, the within-class standard deviation `s` pooled over all classes (one
/// class has too few labels for its own), and `t` the Student quantile of the configured
/// normal quantile `z` for the pooled degrees of freedom. A sample of class `c` drawn like
/// the hand labels of `c` falls below it with probability about `1 − Φ(z)`; unlabeled samples
/// far below it lie where the hand labels of `c` give little evidence.
///
/// Invariants: a class gets a threshold only when it has at least one finite reference and
/// the pooled variance has at least one degree of freedom; without a threshold there is no
/// opinion (nil). References that no seed of their class reaches (log coverage −∞) are left
/// out of the statistics; a candidate no seed of its class reaches is always below.
///
/// ```swift
/// let model = ClassCoverageModel(references: heldOut.map { ($0.label, $0.logCoverage) }, z: 1.6449)
/// if let c = model.relativeCoverage(logCoverage, of: predictedClass), c < 0 { /* reason 3 */ }
/// ```
public struct ClassCoverageModel: Sendable, Equatable {
    /// Per class: the log coverage below which a sample is far from the class's hand labels.
    public var thresholds: [Int: Double]
    /// Pooled within-class standard deviation of the reference log coverages (0 without references).
    public var pooledDeviation: Double
    /// References used (finite log coverages).
    public var referenceCount: Int

    /// - Parameters:
    ///   - references: per held-out labeled sample, its class and its log coverage by that class
    ///     from spreading without its own label.
    ///   - z: normal quantile of the one-sided prediction interval (1.6449: 95 %).
    public init(references: [(label: Int, logCoverage: Double)], z: Double) {
        var byClass: [Int: [Double]] = [:]
        for r in references where r.logCoverage.isFinite { byClass[r.label, default: []].append(r.logCoverage) }
        let means = byClass.mapValues { $0.reduce(0, +) / Double($0.count) }
        var squares = 0.0, count = 0
        // Sorted classes: the same sum in the same order on every run (dictionary order is per process).
        for label in byClass.keys.sorted() {
            for v in byClass[label]! { squares += (v - means[label]!) * (v - means[label]!) }
            count += byClass[label]!.count
        }
        let freedom = count - byClass.count
        referenceCount = count
        guard freedom > 0 else {
            thresholds = [:]
            pooledDeviation = 0
            return
        }
        let s = (squares / Double(freedom)).squareRoot()
        let t = Self.studentQuantile(z: z, freedom: Double(freedom))
        pooledDeviation = s
        thresholds = Dictionary(uniqueKeysWithValues: means.map { label, mean in
            (label, mean - t * s * (1 + 1 / Double(byClass[label]!.count)).squareRoot())
        })
    }

    /// `logCoverage` minus the class's threshold (negative: far from the class's hand labels);
    /// nil when the class has no threshold.
    public func relativeCoverage(_ logCoverage: Double, of label: Int) -> Double? {
        guard let threshold = thresholds[label] else { return nil }
        return logCoverage.isFinite ? logCoverage - threshold : -.infinity
    }

    /// The log coverage of `row` by `label` in `spread` with `seedCount` seeds of that class
    /// (nil without seeds; −∞ when no seed reaches the row).
    public static func logCoverage(_ spread: LabelSpreading.Spread, row: Int, label: Int, seedCount: Int) -> Double? {
        guard seedCount > 0 else { return nil }
        let score = spread.score(of: row, class: label)
        return score > 0 ? log(score / Double(seedCount)) : -.infinity
    }

    /// Student-t quantile from the normal quantile `z` (Cornish–Fisher expansion to `1/ν²`,
    /// within 0.01 of the exact value for ν ≥ 5 at the usual levels).
    static func studentQuantile(z: Double, freedom v: Double) -> Double {
        let z3 = z * z * z, z5 = z3 * z * z
        return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v)
    }
}
