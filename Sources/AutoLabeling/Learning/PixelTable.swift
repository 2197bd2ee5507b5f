import Foundation

/// A table of square grayscale images with their labels, as a CSV: each line is the n² pixel
/// values of one image, row by row, then its label (scikit-learn's digits are n = 8, values 0–16).
///
/// Rules, each refused loudly with the line's number (``AutoLabelingError/pixelTableRowRefused(line:reason:)``),
/// never skipped:
/// - the first line may be a header (its first field is not a number); it is then skipped;
/// - every image line has the same number of fields, n² + 1 with n ≥ 2 (the first image line sets n);
/// - every pixel is a finite number ≥ 0; the label is not empty;
/// - no blank line except at the end.
/// At least two images with at least two distinct labels, or ``AutoLabelingError/pixelTableTooSmall(reason:)``.
///
/// Invariant: `rows[i].pixels.count == side * side` for every row; `maximum > 0` or every pixel is 0.
public struct PixelTable: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var pixels: [Double]
        public var label: String
    }

    /// n: every image is n × n.
    public var side: Int
    public var rows: [Row]
    /// The largest pixel value in the table (the scale of its intensities).
    public var maximum: Double
    /// The distinct labels, sorted.
    public var labels: [String] { Array(Set(rows.map(\.label))).sorted() }

    public init(csv text: String) throws(AutoLabelingError) {
        // Any line break ("\r\n" is one Character in Swift, and a newline).
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        var rows: [Row] = []
        var fieldCount: Int?
        var maximum = 0.0
        for (index, line) in lines.enumerated() {
            let number = index + 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if index == 0, let first = fields.first, Double(first) == nil { continue }  // header
            if line.allSatisfy(\.isWhitespace) {
                throw .pixelTableRowRefused(line: number, reason: "blank line")
            }
            if fieldCount == nil {
                let pixels = fields.count - 1
                let side = Int(Double(pixels).squareRoot().rounded())
                guard side >= 2, side * side == pixels else {
                    throw .pixelTableRowRefused(
                        line: number, reason: "\(fields.count) fields: not n² pixel values (n ≥ 2) and a label")
                }
                fieldCount = fields.count
            }
            guard fields.count == fieldCount else {
                throw .pixelTableRowRefused(
                    line: number, reason: "\(fields.count) fields where the first image line has \(fieldCount!)")
            }
            var pixels: [Double] = []
            pixels.reserveCapacity(fields.count - 1)
            for (column, field) in fields.dropLast().enumerated() {
                guard let value = Double(field), value.isFinite, value >= 0 else {
                    throw .pixelTableRowRefused(
                        line: number, reason: "pixel \(column + 1) is '\(field.prefix(40))': not a finite number ≥ 0")
                }
                pixels.append(value)
                maximum = max(maximum, value)
            }
            let label = fields.last!
            guard !label.isEmpty else { throw .pixelTableRowRefused(line: number, reason: "the label is empty") }
            rows.append(Row(pixels: pixels, label: label))
        }
        guard rows.count >= 2 else { throw .pixelTableTooSmall(reason: "\(rows.count) image(s), need 2") }
        let distinct = Set(rows.map(\.label)).count
        guard distinct >= 2 else { throw .pixelTableTooSmall(reason: "\(distinct) label(s), need 2") }
        self.rows = rows
        self.side = Int(Double(rows[0].pixels.count).squareRoot().rounded())
        self.maximum = maximum
    }
}
