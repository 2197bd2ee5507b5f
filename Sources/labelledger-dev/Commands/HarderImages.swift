import AutoLabeling
import Foundation

/// Renders a ``PixelTable`` image as an 8-bit grayscale picture of another size, optionally made
/// harder — the distortions the digits evaluation measures the classifier's promises on.
///
/// In order: a random rotation (uniform in ±`rotationDegrees`) and shift (uniform in ±`shift`
/// output pixels in each direction) about the centre, sampled bilinearly (outside the source:
/// background); a box blur of radius `blurRadius` output pixels; Gaussian noise of standard
/// deviation `noise` (on the 0–1 intensity scale); clamped to [0, 1]. Ink is dark on white, as
/// before: byte = 255 · (1 − intensity), intensity = value / table maximum.
///
/// Invariant: for equal settings, pixels and generator state the picture is identical; with every
/// distortion 0 and `size` a multiple of the table's side, each source pixel becomes a uniform
/// (size / side)² block.
struct HarderImages: Sendable, Equatable {
    var size = 32
    var noise = 0.0
    var blurRadius = 0
    var shift = 0.0
    var rotationDegrees = 0.0

    var isPlain: Bool { noise == 0 && blurRadius == 0 && shift == 0 && rotationDegrees == 0 }

    /// A short name of the settings, for the evaluation's output.
    var name: String {
        "size \(size), noise \(noise), blur \(blurRadius), shift \(shift), rotation \(rotationDegrees)"
    }

    func render(_ pixels: [Double], side: Int, maximum: Double, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        let scale = Double(side) / Double(size)
        func source(_ x: Int, _ y: Int) -> Double {
            guard (0..<side).contains(x), (0..<side).contains(y), maximum > 0 else { return 0 }
            return pixels[y * side + x] / maximum
        }
        var intensity = [Double](repeating: 0, count: size * size)
        if rotationDegrees == 0 && shift == 0 {
            for y in 0..<size { for x in 0..<size {
                intensity[y * size + x] = source(Int(Double(x) * scale), Int(Double(y) * scale))
            } }
        } else {
            let angle = Double.random(in: -rotationDegrees...rotationDegrees, using: &generator) * .pi / 180
            let dx = Double.random(in: -shift...shift, using: &generator), dy = Double.random(in: -shift...shift, using: &generator)
            let centre = Double(size) / 2, c = cos(angle), s = sin(angle)
            for y in 0..<size { for x in 0..<size {
                // Inverse map: output pixel centre → unshifted, unrotated output position → source grid.
                let ox = Double(x) + 0.5 - centre - dx, oy = Double(y) + 0.5 - centre - dy
                let sx = (c * ox + s * oy + centre) * scale - 0.5, sy = (-s * ox + c * oy + centre) * scale - 0.5
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = sx - Double(x0), fy = sy - Double(y0)
                intensity[y * size + x] = (1 - fx) * (1 - fy) * source(x0, y0) + fx * (1 - fy) * source(x0 + 1, y0)
                    + (1 - fx) * fy * source(x0, y0 + 1) + fx * fy * source(x0 + 1, y0 + 1)
            } }
        }
        if blurRadius > 0 {
            var blurred = intensity
            for y in 0..<size { for x in 0..<size {
                var sum = 0.0, count = 0.0
                for v in max(0, y - blurRadius)...min(size - 1, y + blurRadius) {
                    for u in max(0, x - blurRadius)...min(size - 1, x + blurRadius) {
                        sum += intensity[v * size + u]
                        count += 1
                    }
                }
                blurred[y * size + x] = sum / count
            } }
            intensity = blurred
        }
        if noise > 0 {
            for i in intensity.indices {
                // Box–Muller.
                let u1 = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
                let u2 = Double.random(in: 0..<1, using: &generator)
                intensity[i] += noise * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            }
        }
        return intensity.map { UInt8((255 * (1 - min(1, max(0, $0)))).rounded()) }
    }
}
