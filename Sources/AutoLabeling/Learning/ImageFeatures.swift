/// The feature vector of one image: a grey thumbnail, a colour histogram and a
/// gradient-orientation histogram (HOG-like), plus the image's geometry (used by
/// hard-example detection, not by the classifier).
///
/// Invariant: `values.count == ImageFeatures.dimension` for every image, whatever its size.
///
/// ```swift
/// let features = ImageFeatures(image: try ImageDecoder.decode(fileAt: path))
/// ```
public struct ImageFeatures: Sendable, Equatable {
    /// Side of the grey thumbnail (area-averaged).
    public static let thumbnailSide = 12
    /// Bins per RGB channel of the colour histogram.
    public static let colourBins = 8
    /// Cells per side and orientation bins of the gradient histogram (computed on a 32×32 grey resize).
    public static let gradientCells = 4
    public static let orientationBins = 9
    static let gradientSide = 32

    public static let dimension =
        thumbnailSide * thumbnailSide + 3 * colourBins + gradientCells * gradientCells * orientationBins

    public var values: [Float]
    public var width: Int
    public var height: Int

    public init(values: [Float], width: Int, height: Int) {
        precondition(values.count == Self.dimension)
        self.values = values
        self.width = width
        self.height = height
    }

    public init(image: DecodedImage) {
        self.init(values: Self.values(of: image), width: image.width, height: image.height)
    }

    static func values(of image: DecodedImage) -> [Float] {
        let grey = Self.grey(image)
        var values = Self.resize(grey, width: image.width, height: image.height, to: Self.thumbnailSide)
        values += Self.colourHistogram(image)
        values += Self.gradientHistogram(Self.resize(grey, width: image.width, height: image.height, to: Self.gradientSide))
        return values
    }

    static func grey(_ image: DecodedImage) -> [Float] {
        var grey = [Float](repeating: 0, count: image.width * image.height)
        image.rgb.withUnsafeBufferPointer { rgb in
            for i in 0..<grey.count {
                grey[i] = (0.299 * Float(rgb[3 * i]) + 0.587 * Float(rgb[3 * i + 1]) + 0.114 * Float(rgb[3 * i + 2])) / 255
            }
        }
        return grey
    }

    /// Area-averaging resize to `side`×`side` (each output pixel averages the source pixels it covers).
    static func resize(_ grey: [Float], width: Int, height: Int, to side: Int) -> [Float] {
        var out = [Float](repeating: 0, count: side * side)
        var weights = [Float](repeating: 0, count: side * side)
        for y in 0..<height {
            let oy0 = Float(y) * Float(side) / Float(height), oy1 = Float(y + 1) * Float(side) / Float(height)
            for x in 0..<width {
                let ox0 = Float(x) * Float(side) / Float(width), ox1 = Float(x + 1) * Float(side) / Float(width)
                let value = grey[y * width + x]
                var oy = Int(oy0)
                while oy < side, Float(oy) < oy1 {
                    let hy = min(oy1, Float(oy + 1)) - max(oy0, Float(oy))
                    var ox = Int(ox0)
                    while ox < side, Float(ox) < ox1 {
                        let w = hy * (min(ox1, Float(ox + 1)) - max(ox0, Float(ox)))
                        out[oy * side + ox] += w * value
                        weights[oy * side + ox] += w
                        ox += 1
                    }
                    oy += 1
                }
            }
        }
        for i in 0..<out.count where weights[i] > 0 { out[i] /= weights[i] }
        return out
    }

    static func colourHistogram(_ image: DecodedImage) -> [Float] {
        var histogram = [Float](repeating: 0, count: 3 * colourBins)
        let pixels = image.width * image.height
        for i in 0..<pixels {
            for c in 0..<3 {
                histogram[c * colourBins + Int(image.rgb[3 * i + c]) * colourBins / 256] += 1
            }
        }
        return histogram.map { $0 / Float(pixels) }
    }

    /// Unsigned gradient orientations, magnitude-weighted, per cell, L2-normalised per cell.
    static func gradientHistogram(_ grey: [Float]) -> [Float] {
        let side = gradientSide, cell = side / gradientCells
        var histogram = [Float](repeating: 0, count: gradientCells * gradientCells * orientationBins)
        for y in 0..<side {
            for x in 0..<side {
                let gx = grey[y * side + min(x + 1, side - 1)] - grey[y * side + max(x - 1, 0)]
                let gy = grey[min(y + 1, side - 1) * side + x] - grey[max(y - 1, 0) * side + x]
                let magnitude = (gx * gx + gy * gy).squareRoot()
                guard magnitude > 0 else { continue }
                var angle = atan2f(gy, gx)
                if angle < 0 { angle += .pi }
                let bin = min(Int(angle / .pi * Float(orientationBins)), orientationBins - 1)
                let c = (y / cell) * gradientCells + (x / cell)
                histogram[c * orientationBins + bin] += magnitude
            }
        }
        for c in 0..<(gradientCells * gradientCells) {
            let range = (c * orientationBins)..<((c + 1) * orientationBins)
            let norm = histogram[range].reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { for i in range { histogram[i] /= norm } }
        }
        return histogram
    }
}

#if canImport(Glibc)
import Glibc
#endif
