import Foundation
import LabelingDomain
import LabelingService

/// The file formats an export can write.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// ModelArts JSON Lines; detection boxes in one Pascal VOC file per image.
    case manifest
    /// COCO object-detection JSON (classification: one whole-image box per label).
    case coco
    /// A folder of Pascal VOC XML files (detection only).
    case voc
}

/// Which samples an export includes.
public struct ExportFilter: Sendable, Equatable {
    /// nil: every state (the All tab).
    public var states: Set<SampleState>?
    public var hardOnly: Bool
    /// Only samples carrying this label (as labels or predictions).
    public var label: String?

    public init(states: Set<SampleState>? = nil, hardOnly: Bool = false, label: String? = nil) {
        self.states = states
        self.hardOnly = hardOnly
        self.label = label
    }

    func includes(_ record: SampleRecord) -> Bool {
        if let states, !states.contains(record.state) { return false }
        if hardOnly, record.hardMark == nil { return false }
        if let label, !record.visibleLabels.contains(where: { $0.name == label }) { return false }
        return true
    }
}

/// What an export wrote.
public struct ExportSummary: Sendable, Equatable {
    public var samples: Int
    public var annotations: Int
    public var files: [String]
    /// The log position the export reflects.
    public var position: UInt64
}

/// Writes a dataset, as of a log position, as a ModelArts manifest, COCO or Pascal VOC.
///
/// Invariants: the same dataset at the same position always gives byte-identical files
/// (samples sorted by name, keys sorted, numbers formatted one way, no wall-clock time);
/// files are streamed sample by sample.
///
/// COCO convention for classification datasets: each image label becomes an annotation
/// whose box is the whole image (`[0, 0, width, height]`), so COCO readers load it. An
/// image's `file_name` is the sample's name (never where the service stored its bytes).
/// Pascal VOC files are named by ``VOCFileNames``: one per sample, never shared.
public enum DatasetExporter {
    /// Exports into files on disk: `output` is the file (manifest, coco) or the folder (voc).
    /// A detection manifest's annotation files go to `<manifest name>-annotations/` beside it.
    public static func export(
        _ dataset: DatasetAtPosition, format: ExportFormat, filter: ExportFilter = .init(), clearHard: Bool = false,
        relativeTo root: URL? = nil, to output: URL
    ) throws(InterchangeError) -> ExportSummary {
        if format == .voc {
            return try export(dataset, format: format, filter: filter, clearHard: clearHard, relativeTo: root,
                              named: "", into: ExportFolder(root: output))
        }
        return try export(
            dataset, format: format, filter: filter, clearHard: clearHard, relativeTo: root, named: output.lastPathComponent,
            into: ExportFolder(root: output.deletingLastPathComponent()))
    }

    /// Whether `format` writes more than one file for a dataset of `type` (Pascal VOC; a
    /// detection manifest with its annotation files): streamed, it is a ZIP archive
    /// (``ZipStreamWriter``); otherwise the one file itself (``ExportSingleFileStream``).
    public static func writesSeveralFiles(_ format: ExportFormat, type: LabelingType) -> Bool {
        switch format {
        case .coco: false
        case .manifest: type == .objectDetection
        case .voc: true
        }
    }

    /// Refuses a format that cannot hold a dataset of `type` (``InterchangeError/unsupportedFormat(format:reason:)``),
    /// before anything is written.
    public static func check(_ format: ExportFormat, for dataset: DatasetAtPosition) throws(InterchangeError) {
        if format == .voc, dataset.state.type != .objectDetection {
            throw .unsupportedFormat(
                format: "voc", reason: "Pascal VOC holds boxes; dataset '\(dataset.state.id)' is image classification")
        }
    }

    /// Exports into `output`, the file (manifest, coco) named `name` relative to its root
    /// (for a detection manifest its annotation files go to `<name without extension>-annotations/`);
    /// voc writes one file per sample at the root and ignores `name`.
    public static func export(
        _ dataset: DatasetAtPosition, format: ExportFormat, filter: ExportFilter = .init(), clearHard: Bool = false,
        relativeTo root: URL? = nil, named name: String, into output: some ExportOutput
    ) throws(InterchangeError) -> ExportSummary {
        try check(format, for: dataset)
        let state = dataset.state
        let ids = state.samples.keys
            .filter { state.samples[$0].map(filter.includes) ?? false }
            .sorted { (state.samples[$0]!.name, $0.rawValue) < (state.samples[$1]!.name, $1.rawValue) }
        func source(_ id: SampleID) -> String {
            let path = dataset.facts[id]?.sourcePath ?? ""
            if let root, path.hasPrefix(root.standardizedFileURL.path + "/") {
                return String(path.dropFirst(root.standardizedFileURL.path.count + 1))
            }
            return path
        }
        let summary: ExportSummary
        switch format {
        case .manifest:
            summary = try writeManifest(dataset, ids: ids, clearHard: clearHard, source: source, named: name, into: output)
        case .coco:
            summary = try writeCOCO(dataset, ids: ids, named: name, into: output)
        case .voc:
            summary = try writeVOCFolder(dataset, ids: ids, into: output)
        }
        try output.finish()
        return summary
    }

    static func creationTime(_ instant: Instant?) -> String {
        guard let instant else { return "" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = ManifestReader.creationTimeFormat
        return formatter.string(from: instant.date)
    }

    static func voc(_ record: SampleRecord) -> PascalVOCAnnotation {
        PascalVOCAnnotation(
            filename: (record.name as NSString).lastPathComponent, width: record.width, height: record.height,
            depth: record.channels,
            objects: record.visibleLabels.compactMap { label in
                label.box.map {
                    .init(name: label.name, confidence: label.annotator.isMachine ? label.score : nil,
                          xmin: $0.x1, ymin: $0.y1, xmax: $0.x2, ymax: $0.y2)
                }
            })
    }

    /// Annotation files first (each whole, one after another), then the manifest: a stream
    /// holds one file at a time, and the manifest names the annotation files as assigned.
    private static func writeManifest(
        _ dataset: DatasetAtPosition, ids: [SampleID], clearHard: Bool, source: (SampleID) -> String, named name: String,
        into output: some ExportOutput
    ) throws(InterchangeError) -> ExportSummary {
        let state = dataset.state
        var annotationFiles: [String] = []
        let annotationFolder = (name as NSString).deletingPathExtension + "-annotations"
        if state.type == .objectDetection {
            try output.replaceFolder(annotationFolder)
            var vocFiles = VOCFileNames()
            for id in ids where !state.samples[id]!.visibleLabels.isEmpty {
                let file = annotationFolder + "/" + vocFiles.assign(state.samples[id]!.name)
                try output.startFile(file)
                try output.write(voc(state.samples[id]!).xml())
                annotationFiles.append(output.location(of: file))
            }
        }
        try output.startFile(name)
        var annotations = 0
        var vocFiles = VOCFileNames()
        for id in ids {
            let record = state.samples[id]!
            // `name` keeps the sample's name through a round trip: the source may be a stored
            // copy (an API upload) or lie outside the manifest's folder.
            var line: [String: JSONText] = [
                "source": .string(source(id)), "id": .string(id.rawValue), "name": .string(record.name),
            ]
            if let usage = dataset.facts[id]?.usage { line["usage"] = .string(usage.manifestName) }
            if !clearHard {
                line["hard"] = .string(record.hardMark == nil ? "false" : "true")
                if let mark = record.hardMark {
                    line["hard-coefficient"] = .number(mark.coefficient)
                    line["hard-reasons"] = .array(mark.reasons.map { .int(Int64($0.rawValue)) })
                }
            }
            let labels = record.visibleLabels
            let time = creationTime(dataset.facts[id]?.labelsAt)
            if !labels.isEmpty {
                switch state.type {
                case .imageClassification:
                    line["annotation"] = .array(labels.map { label in
                        var a: [String: JSONText] = [
                            "type": .string("modelarts/image_classification"), "name": .string(label.name),
                            "property": .object([:]), "annotated-by": .string(label.annotator.manifestName),
                            "creation-time": .string(time),
                        ]
                        if let score = label.score { a["confidence"] = .number(score) }
                        return .object(a)
                    })
                case .objectDetection:
                    // The same assignment, in the same order, as the annotation files above.
                    let file = vocFiles.assign(record.name)
                    line["annotation"] = .array([.object([
                        "type": .string("modelarts/object_detection"),
                        "annotation-loc": .string(annotationFolder + "/" + file),
                        "annotation-format": .string("PASCAL VOC"),
                        "annotated-by": .string(labels[0].annotator.manifestName),
                        "creation-time": .string(time),
                    ])])
                }
                annotations += labels.count
            }
            try output.write(JSONText.object(line).render() + "\n")
        }
        return ExportSummary(
            samples: ids.count, annotations: annotations, files: [output.location(of: name)] + annotationFiles,
            position: dataset.position)
    }

    private static func writeCOCO(
        _ dataset: DatasetAtPosition, ids: [SampleID], named name: String, into writer: some ExportOutput
    ) throws(InterchangeError) -> ExportSummary {
        let state = dataset.state
        try writer.startFile(name)
        let categories = state.labels.enumerated().map { index, label in
            (name: label.name, id: Int64(index + 1))
        }
        let categoryIDs = Dictionary(categories.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
        try writer.write("{\"info\":" + JSONText.object([
            "description": .string("LabelLedger export of dataset \(state.id.rawValue)"),
            "labelledger_position": .int(Int64(dataset.position)),
            "labelledger_type": .string(state.type == .objectDetection ? "object_detection" : "image_classification"),
        ]).render())
        try writer.write(",\"categories\":" + JSONText.array(categories.map {
            .object(["id": .int($0.id), "name": .string($0.name), "supercategory": .string("")])
        }).render())
        try writer.write(",\"images\":[")
        for (index, id) in ids.enumerated() {
            let record = state.samples[id]!
            try writer.write((index > 0 ? "," : "") + JSONText.object([
                "id": .int(Int64(index + 1)), "file_name": .string(record.name), "width": .int(Int64(record.width)),
                "height": .int(Int64(record.height)), "labelledger_sample_id": .string(id.rawValue),
            ]).render())
        }
        try writer.write("],\"annotations\":[")
        var annotationID: Int64 = 0
        for (index, id) in ids.enumerated() {
            let record = state.samples[id]!
            for label in record.visibleLabels {
                guard let category = categoryIDs[label.name] else { continue }
                let box = label.box ?? BoundingBox(x1: 0, y1: 0, x2: Int32(record.width), y2: Int32(record.height))
                let width = Int64(box.x2 - box.x1)
                let height = Int64(box.y2 - box.y1)
                annotationID += 1
                var a: [String: JSONText] = [
                    "id": .int(annotationID), "image_id": .int(Int64(index + 1)), "category_id": .int(category),
                    "bbox": .array([.int(Int64(box.x1)), .int(Int64(box.y1)), .int(width), .int(height)]),
                    "area": .int(width * height), "iscrowd": .int(0),
                ]
                if label.annotator.isMachine, let score = label.score { a["score"] = .number(score) }
                try writer.write((annotationID > 1 ? "," : "") + JSONText.object(a).render())
            }
        }
        try writer.write("]}\n")
        return ExportSummary(
            samples: ids.count, annotations: Int(annotationID), files: [writer.location(of: name)], position: dataset.position)
    }

    private static func writeVOCFolder(_ dataset: DatasetAtPosition, ids: [SampleID], into output: some ExportOutput)
        throws(InterchangeError) -> ExportSummary
    {
        var files: [String] = []
        var annotations = 0
        var vocFiles = VOCFileNames()
        for id in ids {
            let record = dataset.state.samples[id]!
            let file = vocFiles.assign(record.name)
            let annotation = voc(record)
            try output.startFile(file)
            try output.write(annotation.xml())
            files.append(output.location(of: file))
            annotations += annotation.objects.count
        }
        return ExportSummary(samples: ids.count, annotations: annotations, files: files, position: dataset.position)
    }
}

/// Appends text to a new file through a buffer, so exports stream in bounded memory.
final class LineWriter {
    private let handle: FileHandle
    private let path: String
    private var buffer = Data()

    init(_ url: URL) throws(InterchangeError) {
        path = url.path
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: url.path)
        else { throw .io(path: url.path, reason: "cannot create the file") }
        self.handle = handle
    }

    func write(_ text: String) throws(InterchangeError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(InterchangeError) {
        do { try handle.write(contentsOf: buffer) } catch { throw .io(path: path, reason: "\(error)") }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws(InterchangeError) {
        try flush()
        do { try handle.close() } catch { throw .io(path: path, reason: "\(error)") }
    }
}
