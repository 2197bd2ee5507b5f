/// The inner loops of training and neighbour search on `Float` buffers, written with
/// `SIMD8` accumulators (plain multiply and add: no `fma`, which is a library call per lane
/// on an x86-64 baseline without FMA).
///
/// A scalar `s += a[j] * b[j]` loop cannot be vectorised by the compiler: IEEE addition
/// is not associative, so it must keep the written order. These kernels choose another
/// fixed order: eight lanes, each summing every eighth element. Then the lanes are summed
/// and a scalar tail is added. The result can differ from the scalar loop in the last bits.
/// It is the same on every run and every machine with IEEE `Float`, so training stays
/// deterministic.
///
/// On the digits evaluation, logistic-regression training was two thirds of an auto-label
/// task's CPU, almost all of it in the dot products of the forward pass.
enum FloatKernels {
    /// `Σ a[j]·b[j]` for `j < count`.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        laneSum(a, b, count: count, { $0 * $1 }, { $0 * $1 })
    }

    /// `Σ (a[j] − b[j])²` for `j < count`.
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        laneSum(a, b, count: count, { ($0 - $1) * ($0 - $1) }, { ($0 - $1) * ($0 - $1) })
    }

    /// `Σ term(a[j], b[j])` for `j < count`, in the order the type describes: `lanes` on
    /// eight elements at a time, `scalar` on the tail (the same arithmetic per element).
    @inline(__always)
    private static func laneSum(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
        _ lanes: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>, _ scalar: (Float, Float) -> Float
    ) -> Float {
        var sums = SIMD8<Float>(repeating: 0)
        var j = 0
        while j + 8 <= count {
            sums += lanes(
                UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self),
                UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self))
            j += 8
        }
        var s = total(sums)
        while j < count {
            s += scalar(a[j], b[j])
            j += 1
        }
        return s
    }

    /// The lanes summed pairwise, in a fixed order (`SIMD.sum()` leaves its order unspecified).
    @inline(__always)
    static func total(_ v: SIMD8<Float>) -> Float {
        let half = v.lowHalf + v.highHalf
        return (half[0] + half[2]) + (half[1] + half[3])
    }

    /// `y[j] += alpha · x[j]` for `j < count` (element-wise: the order of the sum does not change).
    @inline(__always)
    static func addScaled(_ alpha: Float, _ x: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, count: Int) {
        for j in 0..<count { y[j] += alpha * x[j] }
    }

    /// Squared distance of two equal-length arrays.
    static func squaredDistance(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        guard !a.isEmpty else { return 0 }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in squaredDistance(x.baseAddress!, y.baseAddress!, count: x.count) }
        }
    }
}
