import Foundation
import LabelingDomain

/// How sample labels are stored in the `samples.labels` column (JSON) and described in
/// the audit index (text).
///
/// JSON form, one object per label, in the sample's order:
/// `[{"name":"cat","box":[x1,y1,x2,y2],"score":0.93,"by":"human:ana"}]` — `box` and
/// `score` only when present; `by` is ``LabelingDomain/Annotator``'s description.
/// The encoder is hand-written because it runs once per changed sample during a rebuild.
enum StoredLabels {
    static func json(_ labels: [SampleLabel]) -> String {
        guard !labels.isEmpty else { return "[]" }
        var out = "["
        for (i, label) in labels.enumerated() {
            if i > 0 { out += "," }
            out += "{\"name\":"
            appendQuoted(label.name, to: &out)
            if let box = label.box { out += ",\"box\":[\(box.x1),\(box.y1),\(box.x2),\(box.y2)]" }
            if let score = label.score { out += ",\"score\":\(score)" }
            out += ",\"by\":"
            appendQuoted(label.annotator.description, to: &out)
            out += "}"
        }
        return out + "]"
    }

    private static func appendQuoted(_ text: String, to out: inout String) {
        out += "\""
        // Most names need no escape: appended whole, not scalar by scalar (which was 2 % of a rebuild).
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) else {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private struct Stored: Decodable {
        var name: String
        var box: [Int32]?
        var score: Double?
        var by: String
    }

    /// Decodes the JSON form (used by label renames/deletions and by queries).
    ///
    /// Tab pages decode a column per sample, so the exact form ``json(_:)`` writes is
    /// parsed by hand; anything else (older rows, hand edits) goes through `JSONDecoder`.
    static func decode(_ json: String) -> [SampleLabel] {
        guard json != "[]" else { return [] }
        var parser = FastParser(json)
        if let fast = parser.labels() { return fast }
        guard let stored = try? JSONDecoder().decode([Stored].self, from: Data(json.utf8)) else { return [] }
        return stored.map { s in
            let box = s.box.flatMap { $0.count == 4 ? BoundingBox(x1: $0[0], y1: $0[1], x2: $0[2], y2: $0[3]) : nil }
            return SampleLabel(name: s.name, box: box, score: s.score, annotator: annotator(s.by))
        }
    }

    static func annotator(_ text: String) -> Annotator {
        if let user = text.afterScalarPrefix("human:") { return .human(user) }
        if let task = text.afterScalarPrefix("active-learning:") { return .activeLearning(TaskID(task)) }
        if let model = text.afterScalarPrefix("pre-label:"), let (name, version) = model.splitAtLastScalar(":") {
            return .preLabelModel(name: name, version: version)
        }
        return .human(text)
    }

    /// Distinct names with their number of instances, in first-seen order.
    static func counts(_ labels: [SampleLabel]) -> [(name: String, instances: Int)] {
        var result: [(name: String, instances: Int)] = []
        for label in labels {
            if let i = result.firstIndex(where: { $0.name == label.name }) {
                result[i].instances += 1
            } else {
                result.append((label.name, 1))
            }
        }
        return result
    }

    /// The `label_index` column: `name\u{1F}instances` joined by `\u{1E}`.
    static func index(_ counts: [(name: String, instances: Int)]) -> String {
        counts.map { "\($0.name)\u{1F}\($0.instances)" }.joined(separator: "\u{1E}")
    }

    static func parseIndex(_ text: String) -> [(name: String, instances: Int)] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\u{1E}").map { part in
            let pieces = part.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            return (String(pieces[0]), Int(pieces.count > 1 ? pieces[1] : "0") ?? 0)
        }
    }

    /// The `annotated_by` column for the visible labels: the first label's annotator.
    static func labeler(_ labels: [SampleLabel]) -> String? {
        labels.first.map { $0.annotator.labeler.name }
    }

    /// The `score` column: the highest score among the visible labels.
    static func score(_ labels: [SampleLabel]) -> Double? {
        labels.compactMap(\.score).max()
    }

    /// `[cat, dog 0.93, car [[1,2],[30,40]]]`, as history lines show labels.
    static func text(_ labels: [SampleLabel]) -> String {
        "[" + labels.map { label in
            var s = label.name
            if let box = label.box { s += " \(box)" }
            if let score = label.score { s += " " + FixedDecimal.text(score, places: 3) }
            return s
        }.joined(separator: ", ") + "]"
    }

    /// `labeled [cat]`, `unlabeled`.
    static func text(_ state: SampleState, _ labels: [SampleLabel]) -> String {
        state == .unlabeled && labels.isEmpty ? "unlabeled" : "\(state) \(text(labels))"
    }

    static func text(_ state: SampleState, names: [(name: String, instances: Int)]) -> String {
        guard state != .unlabeled || !names.isEmpty else { return "unlabeled" }
        return "\(state) [" + names.map { $0.instances > 1 ? "\($0.name)×\($0.instances)" : $0.name }
            .joined(separator: ", ") + "]"
    }

    /// A mark has a coefficient (a person's may have no reason); no coefficient: not hard.
    static func hardText(reasons: [Int], coefficient: Double?) -> String {
        guard !reasons.isEmpty || coefficient != nil else { return "not hard" }
        return "hard [" + (reasons.isEmpty ? "no reason" : reasons.map(String.init).joined(separator: ",")) + "]"
            + (coefficient.map { " " + FixedDecimal.text($0, places: 3) } ?? "")
    }

    /// A parser for exactly the form ``json(_:)`` writes: `[{"name":…,"box":[…],"score":…,"by":…},…]`.
    /// Returns nil on anything else.
    struct FastParser {
        private let bytes: [UInt8]
        private var i = 0

        init(_ json: String) { bytes = Array(json.utf8) }

        mutating func labels() -> [SampleLabel]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var result: [SampleLabel] = []
            while true {
                guard take(UInt8(ascii: "{")), key("name"), let name = string() else { return nil }
                var box: BoundingBox?
                var score: Double?
                if peekKey("box") {
                    _ = key("box")
                    guard take(UInt8(ascii: "[")), let x1 = int(), take(UInt8(ascii: ",")), let y1 = int(),
                        take(UInt8(ascii: ",")), let x2 = int(), take(UInt8(ascii: ",")), let y2 = int(),
                        take(UInt8(ascii: "]"))
                    else { return nil }
                    box = BoundingBox(x1: x1, y1: y1, x2: x2, y2: y2)
                }
                if peekKey("score") {
                    _ = key("score")
                    guard let value = number() else { return nil }
                    score = value
                }
                guard key("by"), let by = string(), take(UInt8(ascii: "}")) else { return nil }
                result.append(SampleLabel(name: name, box: box, score: score, annotator: StoredLabels.annotator(by)))
                if take(UInt8(ascii: "]")) { return i == bytes.count ? result : nil }
                guard take(UInt8(ascii: ",")) else { return nil }
            }
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }

        /// `,"name":` or `"name":` (after `{`).
        private mutating func key(_ name: String) -> Bool {
            _ = take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "\"")) else { return false }
            for byte in name.utf8 { guard take(byte) else { return false } }
            return take(UInt8(ascii: "\"")) && take(UInt8(ascii: ":"))
        }

        private func peekKey(_ name: String) -> Bool {
            let pattern = Array(",\"\(name)\":".utf8)
            return i + pattern.count <= bytes.count && Array(bytes[i..<(i + pattern.count)]) == pattern
        }

        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var out: [UInt8] = []
            while i < bytes.count {
                let byte = bytes[i]
                i += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard i < bytes.count else { return nil }
                    let escaped = bytes[i]
                    i += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        guard i + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16),
                            value < 0x20
                        else { return nil }
                        out.append(UInt8(value))
                        i += 4
                    default: return nil
                    }
                default:
                    out.append(byte)
                }
            }
            return nil
        }

        private mutating func int() -> Int32? {
            let start = i
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return Int32(String(decoding: bytes[start..<i], as: UTF8.self))
        }

        private mutating func number() -> Double? {
            let start = i
            while i < bytes.count, let c = Optional(bytes[i]),
                (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
                    || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
            { i += 1 }
            // json(_:) writes finite numbers only; `1e999` overflows to infinity, which it
            // could not write back.
            guard let value = Double(String(decoding: bytes[start..<i], as: UTF8.self)), value.isFinite else { return nil }
            return value
        }
    }
}
