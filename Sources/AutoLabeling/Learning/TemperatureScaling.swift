/// Temperature scaling (Guo et al., 2017): one scalar `T` so that
/// `softmax(logits / T)` minimises the negative log-likelihood of held-out labels.
///
/// Invariant: the result is in [0.05, 20]; with no held-out data it is 1.
public enum TemperatureScaling {
    /// Fits `T` by golden-section search on log T (the NLL is unimodal in T).
    public static func fit(logits: [[Float]], labels: [Int]) -> Float {
        guard !logits.isEmpty else { return 1 }
        func nll(_ logT: Double) -> Double {
            let t = Float(exp(logT))
            var total = 0.0
            for (row, label) in zip(logits, labels) {
                total -= log(max(LogisticRegression.softmax(row, temperature: t)[label], 1e-12))
            }
            return total
        }
        var lo = log(0.05), hi = log(20.0)
        let ratio = (5.0.squareRoot() - 1) / 2
        var a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo)
        var fa = nll(a), fb = nll(b)
        for _ in 0..<60 {
            if fa < fb {
                hi = b; b = a; fb = fa
                a = hi - ratio * (hi - lo); fa = nll(a)
            } else {
                lo = a; a = b; fa = fb
                b = lo + ratio * (hi - lo); fb = nll(b)
            }
        }
        return Float(exp((lo + hi) / 2))
    }
}

#if canImport(Glibc)
import Glibc
#endif
