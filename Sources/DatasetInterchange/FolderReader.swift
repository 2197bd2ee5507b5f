import Foundation
import LabelingDomain

/// Reads an image folder into import entries:
/// - `label/x.jpg`: classification, one sub-folder per label;
/// - `x.jpg` beside `x.txt`: classification, one label per line;
/// - `x.jpg` beside `x.xml`: detection boxes in Pascal VOC;
/// - an image alone at the top level: an unlabeled sample.
///
/// Files are visited in sorted order so that the same folder always gives the same entries.
public enum FolderReader {
    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    public static func read(_ root: URL) -> (entries: [ImportEntry], problems: [ImportProblem]) {
        var entries: [ImportEntry] = []
        var problems: [ImportProblem] = []
        let fm = FileManager.default
        guard let top = try? fm.contentsOfDirectory(atPath: root.path).sorted() else {
            return ([], [ImportProblem(file: root.path, line: 0, code: "LabelLedger.Import.001", message: "cannot list the folder")])
        }
        for name in top where !name.hasPrefix(".") {
            let url = root.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            fm.fileExists(atPath: url.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                // A sub-folder per label.
                let files = ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
                for file in files where imageExtensions.contains((file as NSString).pathExtension.lowercased()) {
                    let image = url.appendingPathComponent(file)
                    var entry = ImportEntry(file: image.path, line: 0, source: image, name: "\(name)/\(file)")
                    entry.labels = [ImportedLabel(name: name)]
                    entries.append(entry)
                }
                continue
            }
            guard imageExtensions.contains((name as NSString).pathExtension.lowercased()) else { continue }
            var entry = ImportEntry(file: url.path, line: 0, source: url, name: name)
            let stem = url.deletingPathExtension()
            let txt = stem.appendingPathExtension("txt")
            let xml = stem.appendingPathExtension("xml")
            if let text = try? String(contentsOf: txt, encoding: .utf8) {
                entry.labels = text.split(whereSeparator: \.isNewline)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
                    .map { ImportedLabel(name: $0) }
            } else if let data = try? Data(contentsOf: xml) {
                do {
                    let voc = try PascalVOCAnnotation.parse(data)
                    entry.labels = voc.objects.map {
                        ImportedLabel(
                            name: $0.name, box: BoundingBox(x1: $0.xmin, y1: $0.ymin, x2: $0.xmax, y2: $0.ymax),
                            confidence: $0.confidence)
                    }
                } catch {
                    problems.append(ImportProblem(file: xml.path, line: 0, code: error.code, message: error.message))
                    continue
                }
            }
            entries.append(entry)
        }
        return (entries, problems)
    }
}
