import ArgumentParser
import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Projections

/// Writes the golden event logs of `Snapshots/projections/` and the expected dump
/// of every projection, from the real handwritten digits (`digits.csv.gz`). Run through
/// `Tools/generate-projection-snapshots`.
///
/// Byte for byte reproducible: the same rows, the same commands in the same order with
/// the same instants and ids, appended one at a time to a log whose envelope is
/// ``EnvelopeSource/reproducible(startMicros:stepMicros:)`` (recorded-at times one second
/// apart from the scenarios' base instant, event ids named by position). Running it again
/// rewrites the committed files with the same bytes unless the code changed what it writes.
struct GoldenSnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "golden-snapshot", abstract: "Generate the projection golden snapshots.")

    @Option(help: "digits.csv or digits.csv.gz (64 pixels 0–16 then the class, per row).") var digits: String
    @Option(help: "The output directory (Snapshots/projections).") var out: String
    @Option(help: "Rows used for the classification dataset.") var classificationRows = 300
    @Option(help: "Rows used for the detection dataset.") var detectionRows = 100

    struct Digit {
        var pixels: [UInt8]
        var label: Int
    }

    func run() async throws {
        let rows = try await loadDigits()
        let root = URL(fileURLWithPath: out)
        try await generate(case: "digits-classification", root: root) { service in
            try await classification(service, Array(rows.prefix(classificationRows)))
        }
        try await generate(case: "digits-detection", root: root) { service in
            try await detection(service, Array(rows.dropFirst(classificationRows).prefix(detectionRows)))
        }
    }

    private func loadDigits() async throws -> [Digit] {
        var data = try Data(contentsOf: URL(fileURLWithPath: digits))
        if digits.hasSuffix(".gz") {
            data = try await ToolRun.output(of: "/bin/gzip", ["-dc", digits]) ?? Data()
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let values = line.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == 65 else { return nil }
            return Digit(pixels: values.prefix(64).map { UInt8($0) }, label: values[64])
        }
    }

    private func generate(case name: String, root: URL, _ body: (DatasetService) async throws -> Void) async throws {
        let directory = root.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: directory)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(name)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = DataDirectory(scratch)
        let log = try EventLog.open(
            directory: data.log,
            configuration: .init(durability: .none, envelope: .reproducible(startMicros: Self.base, stepMicros: 1_000_000)))
        let service = DatasetService(log: log, snapshotDirectory: data.snapshots)
        try await body(service)
        let store = try ProjectionStore.open(directory: data.projections)
        try await Projector(log: log, store: store).catchUp()
        await log.close()
        // Commit only the segments: the index is rebuilt from them when the log is opened.
        let logOut = DataDirectory(directory).log
        try FileManager.default.createDirectory(at: logOut, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: data.log.path)
        where file.hasSuffix(".seg") {
            try FileManager.default.copyItem(
                at: data.log.appendingPathComponent(file), to: logOut.appendingPathComponent(file))
        }
        let expected = directory.appendingPathComponent("expected")
        try FileManager.default.createDirectory(at: expected, withIntermediateDirectories: true)
        for kind in ProjectionKind.allCases {
            try ProjectionDump.text(of: kind, in: store).write(
                to: expected.appendingPathComponent("\(kind.rawValue).txt"), atomically: true, encoding: .utf8)
        }
        print("\(name): \(log.head) events")
    }

    // MARK: - Scenarios

    private static let base: Int64 = 1_763_942_400_000_000  // 2025-11-24T00:00:00Z

    private struct Clock {
        var micros = GoldenSnapshotCommand.base
        mutating func next() -> Instant {
            micros += 60_000_000
            return Instant(microsecondsSince1970: micros)
        }
    }

    private func newSample(_ index: Int, _ digit: Digit) -> NewSample {
        var hash = ProjectionDigest()
        hash.update(digit.pixels)
        return NewSample(
            id: SampleID(String(format: "d%04d", index)), name: String(format: "digit-%04d.png", index),
            sourcePath: "digits.csv.gz#\(index)", width: 32, height: 32, channels: 1, contentSHA256: hash.finalize(),
            usage: index % 5 == 0 ? .eval : .train)
    }

    /// Nearest class centroid on the labeled rows: a real, deterministic classifier whose
    /// confidence drives auto labels and hard examples.
    private func predict(_ digit: Digit, centroids: [Int: [Double]]) -> (label: Int, score: Double, margin: Double) {
        var distances: [(label: Int, distance: Double)] = []
        for (label, centroid) in centroids {
            var sum = 0.0
            for i in 0..<64 {
                let d = Double(digit.pixels[i]) - centroid[i]
                sum += d * d
            }
            distances.append((label, sum.squareRoot()))
        }
        distances.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.label < $1.label) }
        let weights = distances.map { exp(-$0.distance / 8) }
        let total = weights.reduce(0, +)
        let score = (weights[0] / total * 1000).rounded() / 1000
        let margin = ((weights[0] - weights[1]) / total * 1000).rounded() / 1000
        return (distances[0].label, score, margin)
    }

    private func centroids(_ digits: [Digit]) -> [Int: [Double]] {
        var sums: [Int: [Double]] = [:]
        var counts: [Int: Double] = [:]
        for digit in digits {
            var sum = sums[digit.label] ?? [Double](repeating: 0, count: 64)
            for i in 0..<64 { sum[i] += Double(digit.pixels[i]) }
            sums[digit.label] = sum
            counts[digit.label, default: 0] += 1
        }
        return sums.mapValues { $0 }.reduce(into: [:]) { result, entry in
            result[entry.key] = entry.value.map { $0 / counts[entry.key]! }
        }
    }

    private func classification(_ service: DatasetService, _ rows: [Digit]) async throws {
        var clock = Clock()
        let id: DatasetID = "digits"
        func run(_ command: DatasetCommand, _ actor: String, _ key: String) async throws {
            _ = try await service.execute(command, on: id, actor: actor, commandID: key)
        }
        try await run(.createDataset(
            id: id, name: "digits", typeCode: 0,
            labels: (0..<10).map { LabelDefinition(name: "\($0)", color: String(format: "#%02X%02X80", $0 * 25, 250 - $0 * 25)) },
            description: "UCI handwritten digits (scikit-learn), 8×8 scaled to 32×32", by: "ana", at: clock.next()),
            "ana", "create")
        for start in stride(from: 0, to: rows.count, by: 50) {
            try await run(.addSamples((start..<min(rows.count, start + 50)).map { newSample($0, rows[$0]) }, by: "importer"),
                "importer", "add-\(start)")
        }
        // People label the first 40%, in batches, alternating.
        let manual = rows.count * 2 / 5
        for start in stride(from: 0, to: manual, by: 20) {
            let who = (start / 20) % 2 == 0 ? "ana" : "ben"
            let updates = (start..<min(manual, start + 20)).map {
                SampleLabelUpdate(sampleID: newSample($0, rows[$0]).id, labels: [ManualLabel(name: "\(rows[$0].label)")])
            }
            try await run(.updateSampleLabels(updates, by: who), who, "label-\(start)")
        }
        // Active learning over the rest.
        let model = centroids(Array(rows.prefix(manual)))
        try await run(.requestAutoLabeling(
            taskID: "al-1", type: .autoLabel, algorithm: .fast, model: nil, targetAccuracy: nil, by: "ana", at: clock.next()),
            "ana", "al-1")
        try await run(.startTask("al-1", at: clock.next()), "auto-labeling", "al-1-start")
        try await run(.runTask("al-1", at: clock.next()), "auto-labeling", "al-1-run")
        try await run(.finishTraining("al-1", metrics: ["accuracy": 0.9125, "centroids": 10], at: clock.next()),
            "auto-labeling", "al-1-train")
        let unlabeled = Array(manual..<rows.count)
        var predictions: [Int: (label: Int, score: Double, margin: Double)] = [:]
        for (n, chunk) in stride(from: 0, to: unlabeled.count, by: 45).enumerated() {
            let indices = unlabeled[chunk..<min(unlabeled.count, chunk + 45)]
            var batch: [SamplePrediction] = []
            for i in indices {
                let p = predict(rows[i], centroids: model)
                predictions[i] = p
                batch.append(SamplePrediction(
                    sampleID: newSample(i, rows[i]).id, labels: [PredictedLabel(name: "\(p.label)", score: p.score)]))
            }
            try await run(.recordAutoLabels("al-1", batch), "auto-labeling", "al-1-labels-\(n)")
            let processed = UInt64(min(unlabeled.count, chunk + 45))
            try await run(.reportProgress("al-1", processed: processed, total: UInt64(unlabeled.count),
                percent: (Double(processed) / Double(unlabeled.count) * 1000).rounded() / 10, phase: .labeling,
                at: clock.next()), "auto-labeling", "al-1-progress-\(n)")
        }
        let hard = unlabeled.filter { predictions[$0]!.score < 0.5 || predictions[$0]!.margin < 0.1 }
        try await run(.recordHardExamples("al-1", hard.map { i in
            let p = predictions[i]!
            return HardExampleReport(
                sampleID: newSample(i, rows[i]).id, reasonCodes: p.score < 0.5 ? (p.margin < 0.1 ? [1, 2] : [1]) : [2],
                coefficient: ((1 - p.score) * 1000).rounded() / 1000)
        }), "auto-labeling", "al-1-hard")
        try await run(.reportProgress("al-1", processed: UInt64(unlabeled.count), total: UInt64(unlabeled.count),
            percent: 100, phase: .resultProcessing, at: clock.next()), "auto-labeling", "al-1-progress-end")
        try await run(.succeedTask("al-1", counts: TaskResultCounts(
            totalSamples: UInt64(unlabeled.count), autoLabeledSamples: UInt64(unlabeled.count),
            hardExamples: UInt64(hard.count), flattenedRGBAImages: 0), at: clock.next()), "auto-labeling", "al-1-done")
        // A person reviews half the predictions: right ones confirmed, wrong ones corrected
        // or rejected.
        let reviewed = unlabeled.prefix(unlabeled.count / 2)
        var confirmations: [SampleConfirmation] = []
        var rejections: [SampleID] = []
        for (n, i) in reviewed.enumerated() {
            let sample = newSample(i, rows[i]).id
            if predictions[i]!.label == rows[i].label {
                confirmations.append(SampleConfirmation(sampleID: sample))
            } else if n % 3 == 0 {
                rejections.append(sample)
            } else {
                confirmations.append(SampleConfirmation(sampleID: sample, correctedLabels: [ManualLabel(name: "\(rows[i].label)")]))
            }
        }
        try await run(.confirmSamples(confirmations, by: "chen"), "chen", "review-confirm")
        try await run(.rejectSamples(rejections, by: "chen"), "chen", "review-reject")
        // Hard marks by hand, one cleared; a label renamed; a duplicate image removed.
        try await run(.markHard((0..<5).map { newSample($0 * 7, rows[$0 * 7]).id }, reasonCodes: [30], coefficient: 0.8, by: "ben"),
            "ben", "hard-1")
        try await run(.clearHard([newSample(0, rows[0]).id], by: "ana"), "ana", "unhard-1")
        try await run(.renameLabel(from: "0", to: "zero", by: "ana"), "ana", "rename-0")
        try await run(.deleteSamples([newSample(rows.count - 1, rows[rows.count - 1]).id], by: "ana"), "ana", "delete-1")
        // A pre-label task with a model that fails.
        _ = try await service.execute(.registerModel(
            ModelRef(name: "lenet", version: "2"), type: .imageClassification, commandLine: ["/usr/bin/lenet", "--predict"],
            timeoutSeconds: 600, by: "ops", at: clock.next()), actor: "ops", commandID: "model-lenet-2")
        try await run(.requestAutoLabeling(taskID: "pl-1", type: .preLabel, algorithm: .fast,
            model: ModelRef(name: "lenet", version: "2"), targetAccuracy: nil, by: "ben", at: clock.next()), "ben", "pl-1")
        try await run(.startTask("pl-1", at: clock.next()), "auto-labeling", "pl-1-start")
        try await run(.failTask("pl-1", code: "LabelLedger.Task.002", message: "model command exited with status 127",
            at: clock.next()), "auto-labeling", "pl-1-failed")
    }

    /// Boxes: the bounding box of the ink (pixels ≥ 4), scaled from 8×8 to 32×32.
    private func box(_ digit: Digit) -> BoundingBox {
        var (x1, y1, x2, y2) = (8, 8, 0, 0)
        for y in 0..<8 {
            for x in 0..<8 where digit.pixels[y * 8 + x] >= 4 {
                (x1, y1, x2, y2) = (min(x1, x), min(y1, y), max(x2, x + 1), max(y2, y + 1))
            }
        }
        if x2 <= x1 || y2 <= y1 { (x1, y1, x2, y2) = (0, 0, 8, 8) }
        return BoundingBox(x1: Int32(x1 * 4), y1: Int32(y1 * 4), x2: Int32(x2 * 4), y2: Int32(y2 * 4))
    }

    private func detection(_ service: DatasetService, _ rows: [Digit]) async throws {
        var clock = Clock()
        let id: DatasetID = "digit-boxes"
        func run(_ command: DatasetCommand, _ actor: String, _ key: String) async throws {
            _ = try await service.execute(command, on: id, actor: actor, commandID: key)
        }
        try await run(.createDataset(
            id: id, name: "digit-boxes", typeCode: 1, labels: (0..<10).map { LabelDefinition(name: "\($0)", color: "#336699") },
            description: "digits with ink bounding boxes", by: "ana", at: clock.next()), "ana", "create")
        try await run(.addSamples(rows.indices.map { newSample(1000 + $0, rows[$0]) }, by: "importer"), "importer", "add")
        let manual = rows.count * 3 / 5
        try await run(.updateSampleLabels((0..<manual).map {
            SampleLabelUpdate(sampleID: newSample(1000 + $0, rows[$0]).id, labels: [ManualLabel(name: "\(rows[$0].label)", box: box(rows[$0]))])
        }, by: "ana"), "ana", "label")
        let model = centroids(Array(rows.prefix(manual)))
        // Detection active learning is refused (ModelArts.4408): pre-label with a registered model.
        _ = try await service.execute(.registerModel(
            ModelRef(name: "inkbox", version: "1"), type: .objectDetection, commandLine: ["/usr/bin/inkbox"],
            timeoutSeconds: 300, by: "ops", at: clock.next()), actor: "ops", commandID: "model-inkbox-1")
        try await run(.requestAutoLabeling(taskID: "al-1", type: .preLabel, algorithm: .fast,
            model: ModelRef(name: "inkbox", version: "1"), targetAccuracy: nil, by: "ana", at: clock.next()), "ana", "al-1")
        try await run(.startTask("al-1", at: clock.next()), "auto-labeling", "al-1-start")
        try await run(.runTask("al-1", at: clock.next()), "auto-labeling", "al-1-run")
        let rest = Array(manual..<rows.count)
        try await run(.recordAutoLabels("al-1", rest.map { i in
            let p = predict(rows[i], centroids: model)
            return SamplePrediction(sampleID: newSample(1000 + i, rows[i]).id,
                labels: [PredictedLabel(name: "\(p.label)", box: box(rows[i]), score: p.score)])
        }), "auto-labeling", "al-1-labels")
        try await run(.requestStop("al-1", by: "ben", at: clock.next()), "ben", "al-1-stop")
        try await run(.markStopped("al-1", at: clock.next()), "auto-labeling", "al-1-stopped")
        try await run(.confirmSamples(rest.prefix(10).map { SampleConfirmation(sampleID: newSample(1000 + $0, rows[$0]).id) }, by: "chen"),
            "chen", "confirm")
        try await run(.deleteLabel(name: "9", stripFromSamples: true, by: "ana"), "ana", "delete-9")
    }
}
