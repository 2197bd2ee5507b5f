import Foundation
import LabelingDomain

/// Reads a ModelArts manifest (UTF-8 JSON Lines, one sample per line) into import entries,
/// collecting every problem with its line instead of stopping at the first.
///
/// Relative `source` and `annotation-loc` paths resolve against the manifest's folder.
/// Detection boxes come from the Pascal VOC file an annotation's `annotation-loc` names.
public enum ManifestReader {
    static let creationTimeFormat = "yyyy-MM-dd HH:mm:ss"

    public static func read(_ url: URL) -> (entries: [ImportEntry], problems: [ImportProblem]) {
        let file = url.path
        guard let data = try? Data(contentsOf: url) else {
            return ([], [ImportProblem(file: file, line: 0, code: "LabelLedger.Import.001", message: "cannot read the manifest")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return ([], [ImportProblem(file: file, line: 0, code: "LabelLedger.Import.002", message: "the manifest is not UTF-8")])
        }
        let base = url.deletingLastPathComponent()
        var entries: [ImportEntry] = []
        var problems: [ImportProblem] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let trimmed = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            func problem(_ code: String, _ message: String) {
                problems.append(ImportProblem(file: file, line: line, code: code, message: message))
            }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                problem("LabelLedger.Import.003", "bad JSON: not one JSON object on the line")
                continue
            }
            guard let source = object["source"] as? String, !source.isEmpty else {
                problem("LabelLedger.Import.004", "'source' is required")
                continue
            }
            let sourceURL = resolve(source, against: base)
            var entry = ImportEntry(file: file, line: line, source: sourceURL, name: relativeName(sourceURL, base: base))
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
            entry.hard = flag(object["hard"])
            entry.hardCoefficient = number(object["hard-coefficient"])
            entry.hardReasons = reasons(object["hard-reasons"])
            for (position, item) in ((object["annotation"] as? [Any]) ?? []).enumerated() {
                guard let annotation = item as? [String: Any] else {
                    problem("LabelLedger.Import.003", "annotation \(position + 1) is not an object")
                    continue
                }
                let by = annotation["annotated-by"] as? String ?? "human"
                if entry.creationTime == nil, let time = annotation["creation-time"] as? String {
                    entry.creationTime = parseTime(time)
                }
                if entry.hard == nil { entry.hard = flag(annotation["hard"]) }
                if entry.hardCoefficient == nil { entry.hardCoefficient = number(annotation["hard-coefficient"]) }
                let type = annotation["type"] as? String ?? ""
                switch type {
                case "modelarts/image_classification":
                    guard let name = annotation["name"] as? String, !name.isEmpty else {
                        problem("LabelLedger.Import.007", "annotation \(position + 1) has no label name")
                        continue
                    }
                    entry.labels.append(ImportedLabel(name: name, confidence: number(annotation["confidence"]), annotatedBy: by))
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
                                confidence: object.confidence ?? number(annotation["confidence"]), annotatedBy: by))
                        }
                    } catch {
                        problem(error.code, "\(vocURL.lastPathComponent): \(error.message)")
                    }
                default:
                    problem("LabelLedger.Import.010", "annotation type '\(type)' is not modelarts/image_classification or modelarts/object_detection")
                }
            }
            entries.append(entry)
        }
        return (entries, problems)
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
        case let s as String: Double(s)
        default: nil
        }
    }

    static func reasons(_ value: Any?) -> [Int] {
        switch value {
        case let list as [Any]: list.compactMap { ($0 as? NSNumber)?.intValue ?? Int("\($0)") }
        case let s as String: s.split(whereSeparator: { $0 == "-" || $0 == "," }).compactMap { Int($0) }
        default: []
        }
    }

    static func parseTime(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = creationTimeFormat
        return formatter.date(from: text)
    }
}
