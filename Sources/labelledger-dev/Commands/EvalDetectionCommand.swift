import ArgumentParser
import AutoLabeling
import Crypto
import EventLog
import Foundation
import LabelingDomain
import LabelingService

/// The LabelLedger half of `Tools/eval/detection`: reads a manifest of images with their true
/// boxes and which of them a person labeled (`Tools/eval/detection_sets.py` writes it), makes an
/// object-detection dataset through the product's library, labels the chosen images with their
/// true boxes, runs one active-learning task through the real reactor (the built-in detector), and
/// prints one JSON object: the task's status, seconds and metrics, and every image's auto boxes
/// (with scores) and hard mark. Scoring (pycocotools mAP, the peer, the simulated annotator) is
/// the script's.
///
/// Manifest: `{"labels": [names], "images": [{"file", "width", "height", "labeled": bool,
/// "boxes": [[x1, y1, x2, y2, label], …]}, …]}`; a box outside its image or of an unknown label is
/// refused with the image's file name.
struct EvalDetectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-detection", abstract: "Evaluate detection active learning on a manifest (see Tools/eval/detection).")

    @Option(help: "The manifest (JSON) of images, true boxes and hand-labeled images.") var manifest: String
    @Option(help: "A fresh working directory (the data directory goes inside).") var work: String
    @Option(help: "Seed of the detector.") var seed: UInt64 = 7
    @Option(help: "fast or accurate.") var algorithm = "fast"
    @Option(help: "The task's target accuracy.") var targetAccuracy = 0.95

    struct Manifest: Decodable {
        struct Image: Decodable {
            var file: String
            var width: UInt32
            var height: UInt32
            var labeled: Bool
            var boxes: [[Value]]
        }
        enum Value: Decodable {
            case number(Double)
            case text(String)
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let number = try? container.decode(Double.self) { self = .number(number) } else { self = .text(try container.decode(String.self)) }
            }
        }
        var labels: [String]
        var images: [Image]
    }

    func run() async throws {
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: self.manifest)))
        guard algorithm == "fast" || algorithm == "accurate" else { throw ValidationError("--algorithm is fast or accurate") }
        let dataURL = URL(fileURLWithPath: work).appendingPathComponent("data")
        let log = try EventLog.open(directory: dataURL.appendingPathComponent("log"), configuration: .init(durability: .none))
        let service = DatasetService(log: log, snapshotDirectory: dataURL.appendingPathComponent("snapshots"))
        let dataset = DatasetID("detection")
        let colours = ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6", "#bcf60c", "#fabebe"]
        _ = try await service.execute(.createDataset(
            id: dataset, name: "detection", typeCode: 1,
            labels: manifest.labels.enumerated().map { LabelDefinition(name: $1, color: colours[$0 % colours.count]) },
            description: "eval-detection", by: "eval", at: Instant(Date())), on: dataset, actor: "eval")
        var samples: [NewSample] = [], updates: [SampleLabelUpdate] = []
        for (i, image) in manifest.images.enumerated() {
            let id = SampleID(String(format: "i%05d", i))
            let bytes = try Data(contentsOf: URL(fileURLWithPath: image.file))
            samples.append(NewSample(
                id: id, name: URL(fileURLWithPath: image.file).lastPathComponent, sourcePath: image.file, width: image.width,
                height: image.height, channels: 3, contentSHA256: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()))
            if image.labeled {
                let labels = try image.boxes.map { box -> ManualLabel in
                    guard box.count == 5, case .number(let x1) = box[0], case .number(let y1) = box[1], case .number(let x2) = box[2],
                        case .number(let y2) = box[3], case .text(let name) = box[4]
                    else { throw ValidationError("\(image.file): a box is [x1, y1, x2, y2, label]") }
                    return ManualLabel(name: name, box: BoundingBox(x1: Int32(x1), y1: Int32(y1), x2: Int32(x2), y2: Int32(y2)))
                }
                updates.append(SampleLabelUpdate(sampleID: id, labels: labels))
            }
        }
        for start in stride(from: 0, to: samples.count, by: 500) {
            _ = try await service.execute(.addSamples(Array(samples[start..<min(start + 500, samples.count)]), by: "eval"), on: dataset, actor: "eval")
        }
        let outcome = try await service.execute(.updateSampleLabels(updates, by: "annotator"), on: dataset, actor: "annotator")
        if let refused = outcome.decision.results.first(where: { $0.error != nil }) {
            throw ValidationError("labeling \(refused.sampleID) was refused: \(refused.error!.description)")
        }

        let reactor = AutoLabelingReactor(log: log, service: service, dataDirectory: dataURL, configuration: .init(seed: seed))
        let reactorTask = Task { try await reactor.run() }
        let started = Date()
        _ = try await service.execute(.requestAutoLabeling(
            taskID: "task-1", type: .autoLabel, algorithm: algorithm == "fast" ? .fast : .accurate, model: nil,
            targetAccuracy: targetAccuracy, by: "annotator", at: Instant(Date())), on: dataset, actor: "annotator")
        var task: TaskRecord
        while true {
            if let found = try await service.state(of: dataset)?.tasks["task-1"], found.status.isTerminal {
                task = found
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let seconds = Date().timeIntervalSince(started)
        let state = try await service.state(of: dataset)!
        reactorTask.cancel()
        _ = try? await reactorTask.value
        await log.close()

        var images: [[String: Any]] = []
        for (i, image) in manifest.images.enumerated() {
            let record = state.samples[SampleID(String(format: "i%05d", i))]!
            var entry: [String: Any] = [
                "file": image.file, "state": "\(record.state)", "hard": record.hardMark != nil,
                "boxes": record.predictedLabels.compactMap { label -> [Any]? in
                    guard let box = label.box else { return nil }
                    return [box.x1, box.y1, box.x2, box.y2, label.name, label.score ?? 1]
                },
            ]
            if let mark = record.hardMark {
                entry["reasons"] = mark.reasons.map(\.rawValue)
                entry["coefficient"] = mark.coefficient
            }
            images.append(entry)
        }
        let output: [String: Any] = [
            "status": "\(task.status)", "failure": task.failure.map { "\($0)" } ?? "", "task_seconds": seconds,
            "metrics": task.metrics, "seed": seed, "algorithm": algorithm, "images": images,
        ]
        FileHandle.standardOutput.write(try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys]))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
