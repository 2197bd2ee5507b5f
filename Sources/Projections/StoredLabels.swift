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
    static func decode(_ json: String) -> [SampleLabel] {
        guard json != "[]", let stored = try? JSONDecoder().decode([Stored].self, from: Data(json.utf8)) else { return [] }
        return stored.map { s in
            let box = s.box.flatMap { $0.count == 4 ? BoundingBox(x1: $0[0], y1: $0[1], x2: $0[2], y2: $0[3]) : nil }
            return SampleLabel(name: s.name, box: box, score: s.score, annotator: annotator(s.by))
        }
    }

    static func annotator(_ text: String) -> Annotator {
        if text.hasPrefix("human:") { return .human(String(text.dropFirst(6))) }
        if text.hasPrefix("active-learning:") { return .activeLearning(TaskID(String(text.dropFirst(16)))) }
        if text.hasPrefix("pre-label:") {
            let rest = text.dropFirst(10)
            if let colon = rest.lastIndex(of: ":") {
                return .preLabelModel(name: String(rest[..<colon]), version: String(rest[rest.index(after: colon)...]))
            }
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
        labels.first.map { Labeler($0.annotator).storageKey }
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
            if let score = label.score { s += " " + String(format: "%.3f", score) }
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

    static func hardText(reasons: [Int], coefficient: Double?) -> String {
        guard !reasons.isEmpty else { return "not hard" }
        return "hard [" + reasons.map(String.init).joined(separator: ",") + "]"
            + (coefficient.map { " " + String(format: "%.3f", $0) } ?? "")
    }
}
