import Foundation
import LabelingDomain

/// Reads a ModelArts manifest (UTF-8 JSON Lines, one sample per line) into import entries,
/// collecting every problem with its line instead of stopping at the first.
///
/// Relative `source` and `annotation-loc` paths resolve against the manifest's folder.
/// Detection boxes come from the Pascal VOC file an annotation's `annotation-loc` names.
public enum ManifestReader {
    static let creationTimeFormat = "yyyy-MM-dd HH:mm:ss"

    /// Reads the manifest line by line (a bounded buffer, never the whole file at once).
    ///
    /// A line with any problem — bad JSON, a field of the wrong type or out of range
    /// (`hard`, `hard-coefficient`, `hard-reasons`, `usage`, `confidence`, `creation-time`),
    /// an unreadable annotation — gives no entry, so a `--partial` import never writes a
    /// sample with a field silently dropped.
    public static func read(_ url: URL) -> (entries: [ImportEntry], problems: [ImportProblem]) {
        let file = url.path
        let base = url.deletingLastPathComponent()
        var entries: [ImportEntry] = []
        var problems: [ImportProblem] = []
        let readable = ManifestLines.forEach(in: url, oversized: { line in
            problems.append(ImportProblem(
                file: file, line: line, code: "LabelLedger.Import.230",
                message: "the line is longer than \(ManifestLines.maximumLineBytes) bytes (the limit of a manifest line)"))
        }) { line, bytes in
            let before = problems.count
            if let entry = entry(bytes, line: line, file: file, base: base, problems: &problems), problems.count == before {
                entries.append(entry)
            }
        }
        if !readable {
            problems.append(ImportProblem(file: file, line: 0, code: "LabelLedger.Import.001", message: "cannot read the manifest"))
        }
        return (entries, problems)
    }

    /// One manifest line as an entry, or nil; every problem found is appended.
    static func entry(_ bytes: Data, line: Int, file: String, base: URL, problems: inout [ImportProblem]) -> ImportEntry? {
        func problem(_ code: String, _ message: String) {
            problems.append(ImportProblem(file: file, line: line, code: code, message: message))
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            problem("LabelLedger.Import.002", "the line is not UTF-8")
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return nil }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
            problem("LabelLedger.Import.003", "bad JSON: not one JSON object on the line")
            return nil
        }
        guard let source = object["source"] as? String, !source.isEmpty else {
            problem("LabelLedger.Import.004", "'source' is required")
            return nil
        }
        let sourceURL = resolve(source, against: base)
        var entry = ImportEntry(file: file, line: line, source: sourceURL, name: relativeName(sourceURL, base: base))
        if let name = object["name"] {
            guard let name = name as? String, !name.isEmpty else {
                problem("LabelLedger.Import.200", "'name' must be a non-empty string, not \(describe(name))")
                return nil
            }
            entry.name = name
        }
        entry.sampleID = object["id"] as? String
        if let usage = object["usage"] as? String {
            switch usage.uppercased() {
            case "TRAIN": entry.usage = .train
            case "EVAL": entry.usage = .eval
            case "TEST": entry.usage = .test
            case "INFERENCE": entry.usage = .inference
            default: problem("LabelLedger.Import.005", "usage '\(usage)' is not TRAIN, EVAL, TEST or INFERENCE")
            }
        }
        /// A field that is present must be valid: nil when absent (or null, or ""), a problem
        /// when malformed.
        func checked<T>(_ key: String, of fields: [String: Any], _ parse: (Any) -> T?, expected: String) -> T? {
            guard let value = fields[key], !(value is NSNull), (value as? String)?.isEmpty != true else { return nil }
            guard let parsed = parse(value) else {
                problem("LabelLedger.Import.200", "'\(key)' must be \(expected), not \(describe(value))")
                return nil
            }
            return parsed
        }
        entry.hard = checked("hard", of: object, { flag($0) }, expected: "true or false")
        entry.hardCoefficient = checked("hard-coefficient", of: object, { number($0) }, expected: "a number")
        entry.hardReasons = checked("hard-reasons", of: object, { reasons($0) }, expected: "a list of integer reason codes (or \"1-2\")") ?? []
        for code in entry.hardReasons where HardReason(rawValue: code) == nil {
            let error = DomainError.invalidHardReason(code)
            problem(error.code, "'hard-reasons': \(error.message)")
        }
        for (position, item) in ((object["annotation"] as? [Any]) ?? []).enumerated() {
            guard let annotation = item as? [String: Any] else {
                problem("LabelLedger.Import.003", "annotation \(position + 1) is not an object")
                continue
            }
            let by = annotation["annotated-by"] as? String ?? "human"
            if let time = checked("creation-time", of: annotation, { ($0 as? String).flatMap(parseTime) }, expected: "\"\(creationTimeFormat)\" (UTC)"),
                entry.creationTime == nil
            {
                entry.creationTime = time
            }
            let hard = checked("hard", of: annotation, { flag($0) }, expected: "true or false")
            if entry.hard == nil { entry.hard = hard }
            let coefficient = checked("hard-coefficient", of: annotation, { number($0) }, expected: "a number")
            if entry.hardCoefficient == nil { entry.hardCoefficient = coefficient }
            let confidence = checked("confidence", of: annotation, { number($0) }, expected: "a number")
            let type = annotation["type"] as? String ?? ""
            switch type {
            case "modelarts/image_classification":
                guard let name = annotation["name"] as? String, !name.isEmpty else {
                    problem("LabelLedger.Import.007", "annotation \(position + 1) has no label name")
                    continue
                }
                entry.labels.append(ImportedLabel(name: name, confidence: confidence, annotatedBy: by))
            case "modelarts/object_detection":
                guard let location = annotation["annotation-loc"] as? String else {
                    problem("LabelLedger.Import.008", "detection annotation \(position + 1) has no 'annotation-loc'")
                    continue
                }
                let vocURL = resolve(location, against: base)
                guard let vocData = try? Data(contentsOf: vocURL) else {
                    problem("LabelLedger.Import.009", "annotation file \(vocURL.path) cannot be read")
                    continue
                }
                do {
                    let voc = try PascalVOCAnnotation.parse(vocData)
                    for object in voc.objects {
                        entry.labels.append(ImportedLabel(
                            name: object.name,
                            box: BoundingBox(x1: object.xmin, y1: object.ymin, x2: object.xmax, y2: object.ymax),
                            confidence: object.confidence ?? confidence, annotatedBy: by))
                    }
                } catch {
                    problem(error.code, "\(vocURL.lastPathComponent): \(error.message)")
                }
            default:
                problem("LabelLedger.Import.010", "annotation type '\(type)' is not modelarts/image_classification or modelarts/object_detection")
            }
        }
        return entry
    }

    /// A short rendering of a JSON value for a problem's message.
    static func describe(_ value: Any) -> String {
        switch value {
        case let s as String: "\"\(s.prefix(60))\""
        case is [Any]: "a list"
        case is [String: Any]: "an object"
        default: "\(value)"
        }
    }

    static func resolve(_ path: String, against base: URL) -> URL {
        if let url = URL(string: path), url.scheme == "file" { return url.standardizedFileURL }
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL }
        return base.appendingPathComponent(path).standardizedFileURL
    }

    static func relativeName(_ url: URL, base: URL) -> String {
        let basePath = base.standardizedFileURL.path
        let path = url.path
        return path.hasPrefix(basePath + "/") ? String(path.dropFirst(basePath.count + 1)) : url.lastPathComponent
    }

    static func flag(_ value: Any?) -> Bool? {
        switch value {
        case let b as Bool: b
        case let s as String: s.lowercased() == "true" || s == "1" ? true : (s.lowercased() == "false" || s == "0" ? false : nil)
        case let n as NSNumber: n.intValue != 0
        default: nil
        }
    }

    static func number(_ value: Any?) -> Double? {
        switch value {
        case let n as NSNumber: n.doubleValue
        case let s as String: Double(s.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// Reason codes from a list (`[1, 2]`) or ModelArts' string (`"1-2"`, `"1,2"`); nil when
    /// any item is not an integer.
    static func reasons(_ value: Any?) -> [Int]? {
        let items: [Any]
        switch value {
        case let list as [Any]: items = list
        case let s as String: items = s.split(whereSeparator: { $0 == "-" || $0 == "," }).map(String.init)
        default: return nil
        }
        var codes: [Int] = []
        for item in items {
            switch item {
            case let n as NSNumber where Double(n.intValue) == n.doubleValue: codes.append(n.intValue)
            case let s as String:
                guard let code = Int(s.trimmingCharacters(in: .whitespaces)) else { return nil }
                codes.append(code)
            default: return nil
            }
        }
        return codes
    }

    static func parseTime(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = creationTimeFormat
        return formatter.date(from: text)
    }
}
