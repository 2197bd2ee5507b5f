/// Integral images of per-pixel feature channels over one region of an image, from which the
/// feature vector of any window inside the region is read in constant time (aggregated channel
/// features, as in Dollár et al.'s ACF detector).
///
/// Channels, per pixel: the grey gradient's magnitude, that magnitude split into
/// ``orientationBins`` unsigned orientations (HOG's histogram, per pixel), and R, G, B. A window
/// is cut into ``cells`` × ``cells`` cells; its vector holds, per cell, the mean of each
/// orientation channel divided by the window's mean magnitude (contrast normalisation, as HOG's
/// block norm), the cell's mean magnitude and its mean colour; then the window's mean magnitude
/// and its log width and height relative to a reference size (so the linear model can tell a
/// window of the wrong size); then the channels' means over the context ring around the window
/// (the window grown by ``contextFraction`` of its side on every side, less the window): an
/// object differs from what surrounds it, and a window that cuts an object or holds two shows it.
///
/// Invariants: ``dimension`` values for every window, whatever its size (at least 1 × 1 pixel);
/// the region is held as `Double` sums, so a window's sum is exact to the last bit of `Float`
/// whatever the region's size; equal images give equal vectors. A mirrored window
/// (`mirrored: true`) is the vector of the same window in the horizontally flipped image: cells
/// mirrored and each orientation bin `b` read as bin `orientationBins − 1 − b`.
///
/// ```swift
/// let region = ChannelFeatures(image: image, x0: 0, y0: 0, x1: image.width, y1: image.height)
/// let row = region.window(x1: 10, y1: 12, x2: 42, y2: 40, referenceWidth: 30, referenceHeight: 30)
/// ```
struct ChannelFeatures: Sendable {
    static let orientationBins = 6
    static let cells = 4
    /// Channels per pixel: orientations, magnitude, R, G, B.
    static let channels = orientationBins + 4
    /// Per-cell values, the window's mean magnitude and log size, then the context ring's channels.
    static let dimension = cells * cells * channels + 3 + channels
    /// The context ring around a window reaches this fraction of the window's side beyond each edge.
    static let contextFraction = 0.5

    /// The region in image coordinates: `[x0, x1) × [y0, y1)`.
    let x0: Int, y0: Int, x1: Int, y1: Int
    private let stride: Int
    private let plane: Int
    /// `channels` planes of `(width + 1) × (height + 1)` running sums.
    private let sums: [Double]

    /// Channels of the region `[x0, x1) × [y0, y1)` of `image` (clamped to the image). Gradients
    /// read the pixels just outside the region, so a region's values equal the whole image's.
    init(image: DecodedImage, x0: Int, y0: Int, x1: Int, y1: Int) {
        let x0 = max(0, min(x0, image.width)), y0 = max(0, min(y0, image.height))
        let x1 = max(x0, min(x1, image.width)), y1 = max(y0, min(y1, image.height))
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
        let width = x1 - x0, height = y1 - y0
        let plane = (width + 1) * (height + 1)
        stride = width + 1
        self.plane = plane
        var sums = [Double](repeating: 0, count: Self.channels * plane)
        let imageWidth = image.width, imageHeight = image.height
        image.rgb.withUnsafeBufferPointer { rgb in
            @inline(__always) func grey(_ x: Int, _ y: Int) -> Float {
                let i = 3 * (y * imageWidth + x)
                return (0.299 * Float(rgb[i]) + 0.587 * Float(rgb[i + 1]) + 0.114 * Float(rgb[i + 2])) / 255
            }
            sums.withUnsafeMutableBufferPointer { s in
                var pixel = [Double](repeating: 0, count: Self.channels)
                var rowSums = [Double](repeating: 0, count: Self.channels)
                for y in 0..<height {
                    for c in 0..<Self.channels { rowSums[c] = 0 }
                    let iy = y0 + y
                    for x in 0..<width {
                        let ix = x0 + x
                        let gx = grey(min(ix + 1, imageWidth - 1), iy) - grey(max(ix - 1, 0), iy)
                        let gy = grey(ix, min(iy + 1, imageHeight - 1)) - grey(ix, max(iy - 1, 0))
                        let magnitude = (gx * gx + gy * gy).squareRoot()
                        for c in 0..<Self.channels { pixel[c] = 0 }
                        if magnitude > 0 {
                            var angle = atan2f(gy, gx)
                            if angle < 0 { angle += .pi }
                            let bin = min(Int(angle / .pi * Float(Self.orientationBins)), Self.orientationBins - 1)
                            pixel[bin] = Double(magnitude)
                        }
                        pixel[Self.orientationBins] = Double(magnitude)
                        let i = 3 * (iy * imageWidth + ix)
                        for c in 0..<3 { pixel[Self.orientationBins + 1 + c] = Double(rgb[i + c]) / 255 }
                        let at = (y + 1) * (width + 1) + (x + 1)
                        for c in 0..<Self.channels {
                            rowSums[c] += pixel[c]
                            s[c * plane + at] = s[c * plane + at - (width + 1)] + rowSums[c]
                        }
                    }
                }
            }
        }
        self.sums = sums
    }

    /// The sum of channel `c` over `[ax, bx) × [ay, by)` in region coordinates.
    @inline(__always)
    private func sum(_ c: Int, _ ax: Int, _ ay: Int, _ bx: Int, _ by: Int) -> Double {
        let base = c * plane
        return sums[base + by * stride + bx] - sums[base + ay * stride + bx] - sums[base + by * stride + ax]
            + sums[base + ay * stride + ax]
    }

    /// True when the window `[x1, x2) × [y1, y2)` (image coordinates) lies inside the region
    /// and has a positive area.
    func contains(x1 wx1: Int, y1 wy1: Int, x2 wx2: Int, y2 wy2: Int) -> Bool {
        wx1 >= x0 && wy1 >= y0 && wx2 <= x1 && wy2 <= y1 && wx1 < wx2 && wy1 < wy2
    }

    /// The feature vector of the window `[x1, x2) × [y1, y2)` in image coordinates (inside the
    /// region: ``contains(x1:y1:x2:y2:)``).
    func window(
        x1 wx1: Int, y1 wy1: Int, x2 wx2: Int, y2 wy2: Int, referenceWidth: Double, referenceHeight: Double,
        mirrored: Bool = false
    ) -> [Float] {
        precondition(contains(x1: wx1, y1: wy1, x2: wx2, y2: wy2), "window outside the region")
        let ax = wx1 - x0, ay = wy1 - y0, bx = wx2 - x0, by = wy2 - y0
        let n = Self.cells, bins = Self.orientationBins
        // Cell edges: each cell at least one pixel when the window is wide enough, else shared.
        func edges(_ a: Int, _ b: Int) -> [(Int, Int)] {
            (0..<n).map { k in
                var lo = a + (b - a) * k / n, hi = a + (b - a) * (k + 1) / n
                if hi <= lo { lo = min(lo, b - 1); hi = lo + 1 }
                return (lo, hi)
            }
        }
        let xs = edges(ax, bx), ys = edges(ay, by)
        let area = Double((bx - ax) * (by - ay))
        let meanMagnitude = sum(bins, ax, ay, bx, by) / area
        let norm = meanMagnitude + 0.02
        var out = [Float](repeating: 0, count: Self.dimension)
        var o = 0
        for cy in 0..<n {
            for cxOut in 0..<n {
                let cx = mirrored ? n - 1 - cxOut : cxOut
                let (lx, hx) = xs[cx], (ly, hy) = ys[cy]
                let cellArea = Double((hx - lx) * (hy - ly))
                for b in 0..<bins {
                    let source = mirrored ? bins - 1 - b : b
                    out[o] = Float(sum(source, lx, ly, hx, hy) / cellArea / norm)
                    o += 1
                }
                for c in bins..<Self.channels {
                    out[o] = Float(sum(c, lx, ly, hx, hy) / cellArea)
                    o += 1
                }
            }
        }
        out[o] = Float(meanMagnitude)
        out[o + 1] = Float(log(Double(wx2 - wx1) / max(referenceWidth, 1)))
        out[o + 2] = Float(log(Double(wy2 - wy1) / max(referenceHeight, 1)))
        o += 3
        // Context: the channels' means over the ring between the window and the window grown by
        // `contextFraction` of its side on every side (clipped to the region), orientations
        // normalised by the window's own magnitude; zero when the ring is empty.
        let gx = Int((Double(bx - ax) * Self.contextFraction).rounded()), gy = Int((Double(by - ay) * Self.contextFraction).rounded())
        let ex0 = max(0, ax - gx), ey0 = max(0, ay - gy), ex1 = min(x1 - x0, bx + gx), ey1 = min(y1 - y0, by + gy)
        let ringArea = Double((ex1 - ex0) * (ey1 - ey0)) - area
        if ringArea > 0 {
            for c in 0..<Self.channels {
                let source = mirrored && c < bins ? bins - 1 - c : c
                let ring = (sum(source, ex0, ey0, ex1, ey1) - sum(source, ax, ay, bx, by)) / ringArea
                out[o + c] = Float(c < bins ? ring / norm : ring)
            }
        }
        return out
    }
}

#if canImport(Glibc)
import Glibc
#endif
