import Foundation

/// `String(format: "%.Nf", x)` without Foundation's formatter, which costs more than
/// the rest of an audit line: the audit index writes scores and coefficients (3 places)
/// for most events, millions of times in a rebuild.
///
/// Invariant: the text equals `String(format: "%.\(places)f", x)` for every input — a
/// value too close to a rounding tie to decide in floating point, a huge value or a
/// non-finite one is handed to `String(format:)` itself.
enum FixedDecimal {
    private static let scales: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]

    static func text(_ value: Double, places: Int) -> String {
        guard (0..<scales.count).contains(places), value.isFinite, abs(value) < 1e12 else {
            return String(format: "%.\(places)f", value)
        }
        let scaled = abs(value) * scales[places]
        let fraction = scaled - scaled.rounded(.down)
        guard abs(fraction - 0.5) > 1e-6 else { return String(format: "%.\(places)f", value) }
        let units = Int64(scaled.rounded(.toNearestOrEven))
        let scale = Int64(scales[places])
        var text = value.sign == .minus ? "-" : ""
        text += String(units / scale)
        guard places > 0 else { return text }
        let digits = String(units % scale)
        text += "." + String(repeating: "0", count: places - digits.count) + digits
        return text
    }
}
