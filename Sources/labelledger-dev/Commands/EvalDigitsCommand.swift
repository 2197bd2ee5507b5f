import ArgumentParser
import AutoLabeling
import Crypto
import EventLog
import Foundation
import LabelingDomain
import LabelingService

/// The LabelLedger half of `Tools/eval/digits`: turns a pixel table (``PixelTable``: scikit-learn's
/// digits, or any CSV of square images and labels; a bad line is refused with its number, never
/// skipped) into PNG files — optionally made harder (``HarderImages``: other sizes, noise, blur,
/// shifts, rotations) — and a dataset through the product's library, labels `--per-class` images
/// per class (seeded), runs an auto-label task through the real reactor, measures it against the
/// ground truth (including whether the task's promised lower bound held), then simulates an
/// annotator until ≥ 99 % of the labels are correct. Writes the features and splits for the
/// scikit-learn / cleanlab peers and prints one JSON object.
///
/// The simulated annotator pays for what it does: each hard example it reviews (1 action), each
/// label it fixes (1), each page of confirmations (1 per 100), each reject and task request (1), and
/// looking at every non-hard label to find the wrong ones it is not shown (`--review-cost` each).
struct EvalDigitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-digits", abstract: "Evaluate auto labeling on the digits data (see Tools/eval/digits).")

    @Option(help: "A pixel table: n² pixel values and a label per line, plain or gzip (.gz); digits.csv.gz by default in Tools/eval/digits.")
    var csv: String
    @Option(help: "A fresh working directory (images, data, features.csv).") var work: String
    @Option(help: "Seed of the labeled-sample choice and the classifier.") var seed: UInt64 = 7
    @Option(help: "Labeled images per class.") var perClass = 5
    @Option(help: "fast or accurate.") var algorithm = "accurate"
    @Option(help: "Hard examples an annotator labels per round.") var hardPerRound = 40
    @Option(help: "The tasks' target accuracy of non-hard auto labels.") var targetAccuracy = 0.95
    @Option(help: "Side of the rendered PNG images, pixels.") var imageSize = 32
    @Option(help: "Standard deviation of Gaussian noise added to each pixel (0–1 intensity scale).") var noise = 0.0
    @Option(help: "Box blur radius, output pixels.") var blur = 0
    @Option(help: "Largest random shift in each direction, output pixels.") var shift = 0.0
    @Option(help: "Largest random rotation, degrees.") var rotate = 0.0
    @Option(help: "Seed of the distortions (default: --seed + 1000003).") var dataSeed: UInt64?
    @Option(help: "Actions an annotator spends looking at one non-hard label to find the wrong ones.") var reviewCost = 0.1
    @Option(help: "Loss weight of confirmed hard examples in the next training (1: no extra weight).") var hardWeight = 2.0
    @Flag(help: "Stop after the first task (no annotator loop): the figures of the bound's coverage study.")
    var firstTaskOnly = false

    struct Digit {
        var id: SampleID
        var path: String
        var truth: String
    }

    func run() async throws {
        let workURL = URL(fileURLWithPath: work)
        try FileManager.default.createDirectory(at: workURL.appendingPathComponent("images"), withIntermediateDirectories: true)
        let dataURL = workURL.appendingPathComponent("data")
        let table = try await Self.readTable(csv)
        guard (4...1024).contains(imageSize) else { throw ValidationError("--image-size must be in 4…1024") }
        guard noise >= 0, blur >= 0, shift >= 0, rotate >= 0 else { throw ValidationError("distortions must be ≥ 0") }
        let harder = HarderImages(size: imageSize, noise: noise, blurRadius: blur, shift: shift, rotationDegrees: rotate)
        var distortion = SplitMix64(seed: dataSeed ?? seed &+ 1_000_003)
        let labelNames = table.labels
        var digits: [Digit] = []
        var samples: [NewSample] = []
        for (i, row) in table.rows.enumerated() {
            let pixels = harder.render(row.pixels, side: table.side, maximum: table.maximum, using: &distortion)
            let png = try PNGCodec.encode(pixels: pixels, width: imageSize, height: imageSize, channels: 1)
            let path = workURL.appendingPathComponent("images/digit-\(String(format: "%04d", i)).png").path
            try png.write(to: URL(fileURLWithPath: path))
            let id = SampleID(String(format: "d%04d", i))
            digits.append(Digit(id: id, path: path, truth: row.label))
            samples.append(NewSample(
                id: id, name: "digit-\(i).png", sourcePath: path, width: UInt32(imageSize), height: UInt32(imageSize), channels: 1,
                contentSHA256: SHA256.hash(data: png).map { String(format: "%02x", $0) }.joined()))
        }
        let log = try EventLog.open(directory: DataDirectory(dataURL).log, configuration: .init(durability: .fsync))
        let service = DatasetService(log: log, snapshotDirectory: DataDirectory(dataURL).snapshots)
        let dataset = DatasetID("digits")
        let colours = ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6", "#bcf60c", "#fabebe"]
        _ = try await service.execute(.createDataset(
            id: dataset, name: "digits", typeCode: 0,
            labels: labelNames.enumerated().map { LabelDefinition(name: $1, color: colours[$0 % colours.count]) },
            description: "pixel table",
            by: "eval", at: Instant(Date())), on: dataset, actor: "eval")
        for start in stride(from: 0, to: samples.count, by: 500) {
            _ = try await service.execute(.addSamples(Array(samples[start..<min(start + 500, samples.count)]), by: "eval"), on: dataset, actor: "eval")
        }
        // Seeded choice of the hand-labeled samples.
        var generator = SplitMix64(seed: seed)
        var chosen: [SampleID] = [], perLabel: [String: Int] = [:]
        for digit in digits.shuffled(using: &generator) where perLabel[digit.truth, default: 0] < perClass {
            perLabel[digit.truth, default: 0] += 1
            chosen.append(digit.id)
        }
        let truth = Dictionary(uniqueKeysWithValues: digits.map { ($0.id, $0.truth) })
        _ = try await service.execute(.updateSampleLabels(chosen.map {
            SampleLabelUpdate(sampleID: $0, labels: [ManualLabel(name: truth[$0]!)])
        }, by: "annotator"), on: dataset, actor: "annotator")

        var reactorConfiguration = AutoLabelingReactor.Configuration(seed: seed)
        reactorConfiguration.hardExampleWeight = hardWeight
        let reactor = AutoLabelingReactor(log: log, service: service, dataDirectory: dataURL, configuration: reactorConfiguration)
        let reactorTask = Task { try await reactor.run() }
        defer { reactorTask.cancel() }
        let algo: AutoLabelAlgorithm = algorithm == "fast" ? .fast : .accurate

        // First task: the figures of the issue.
        var taskNumber = 0
        func autoLabel() async throws -> (TaskRecord, Double) {
            taskNumber += 1
            let taskID = TaskID("task-\(taskNumber)")
            let started = Date()
            _ = try await service.execute(.requestAutoLabeling(
                taskID: taskID, type: .autoLabel, algorithm: algo, model: nil, targetAccuracy: targetAccuracy, by: "annotator",
                at: Instant(Date())), on: dataset, actor: "annotator")
            while true {
                if let task = try await service.state(of: dataset)?.tasks[taskID], task.status.isTerminal {
                    return (task, Date().timeIntervalSince(started))
                }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let (firstTask, wallTime) = try await autoLabel()
        guard firstTask.status == .succeeded else { throw ValidationError("task failed: \(String(describing: firstTask.failure))") }
        var state = try await service.state(of: dataset)!
        let autoLabeled = state.samples.filter { $0.value.state == .toBeConfirmed }
        let wrong = autoLabeled.filter { $0.value.predictedLabels.first?.name != truth[$0.key] }
        let hard = autoLabeled.filter { $0.value.hardMark != nil }
        let nonHard = autoLabeled.filter { $0.value.hardMark == nil }
        let nonHardCorrect = nonHard.filter { $0.value.predictedLabels.first?.name == truth[$0.key] }.count
        var reasonCounts: [String: Int] = [:]
        for (_, record) in hard { for reason in record.hardMark!.reasons { reasonCounts[String(reason.rawValue), default: 0] += 1 } }
        // The task's promise: the non-hard labels' accuracy is at least this bound (vacuous when none).
        let promised = firstTask.metrics["non_hard_accuracy_lower_bound"] ?? 0
        let nonHardAccuracy = Double(nonHardCorrect) / Double(max(nonHard.count, 1))
        let ours: [String: Any] = [
            "auto_labeled": autoLabeled.count,
            "accuracy_all_auto_labels": Double(autoLabeled.count - wrong.count) / Double(max(autoLabeled.count, 1)),
            "accuracy_non_hard": nonHardAccuracy,
            "non_hard": nonHard.count,
            "promised_lower_bound": promised,
            "promise_held": nonHard.isEmpty || nonHardAccuracy >= promised,
            "target_met": (firstTask.metrics["target_met"] ?? 0) == 1,
            "share_flagged_hard": Double(hard.count) / Double(max(autoLabeled.count, 1)),
            "share_wrong_flagged_hard": Double(wrong.filter { $0.value.hardMark != nil }.count) / Double(max(wrong.count, 1)),
            "wrong_auto_labels": wrong.count,
            "hard_reason_counts": reasonCounts,
            "task_wall_seconds": wallTime,
            "training_metrics": firstTask.metrics,
        ]

        // Per-sample outcome of the first task, for analysis.
        var outcome = "id,truth,predicted,score,hard,reasons,coefficient\n"
        for (id, record) in autoLabeled.sorted(by: { $0.key < $1.key }) {
            let reasons = record.hardMark?.reasons.map { String($0.rawValue) }.joined(separator: "|") ?? ""
            outcome += "\(id),\(truth[id]!),\(record.predictedLabels.first?.name ?? ""),\(record.predictedLabels.first?.score ?? 0),"
                + "\(record.hardMark == nil ? 0 : 1),\(reasons),\(record.hardMark?.coefficient ?? 0)\n"
        }
        try Data(outcome.utf8).write(to: workURL.appendingPathComponent("first-task.csv"))

        // Features and splits for the peers (same features, same labeled samples); a coverage run
        // (--first-task-only) has no peers and skips them.
        if !firstTaskOnly {
            var lines = "id,truth,labeled," + (0..<ImageFeatures.dimension).map { "f\($0)" }.joined(separator: ",") + "\n"
            let chosenSet = Set(chosen)
            for digit in digits {
                let features = ImageFeatures(image: try ImageDecoder.decode(fileAt: digit.path))
                lines += "\(digit.id),\(digit.truth),\(chosenSet.contains(digit.id) ? 1 : 0),"
                    + features.values.map { String($0) }.joined(separator: ",") + "\n"
            }
            try Data(lines.utf8).write(to: workURL.appendingPathComponent("features.csv"))
        }

        var result: [String: Any] = [
            "samples": digits.count, "labeled_per_class": perClass, "target_accuracy": targetAccuracy, "seed": seed,
            "algorithm": algorithm, "labelledger": ours, "images": harder.name, "image_side_in_table": table.side,
            "classes": labelNames.count,
        ]
        if !firstTaskOnly { result["features_csv"] = workURL.appendingPathComponent("features.csv").path }
        if firstTaskOnly {
            reactorTask.cancel()
            _ = try? await reactorTask.value
            await log.close()
            let bytes = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            print(String(decoding: bytes, as: UTF8.self))
            return
        }

        // Simulated annotator.
        var actions = Double(1 + chosen.count)  // the first task's request, plus the hand-labeled samples
        var reviewActions = 0.0
        var rounds = 0
        var roundDetails: [[String: Double]] = []
        func correctShare(_ state: DatasetState) -> Double {
            Double(state.samples.filter { $0.value.state == .labeled && $0.value.labels.first?.name == truth[$0.key] }.count)
                / Double(state.samples.count)
        }
        while true {
            rounds += 1
            state = try await service.state(of: dataset)!
            let pending = state.samples.filter { $0.value.state == .toBeConfirmed }.sorted { $0.key < $1.key }
            let hardPending = pending.filter { $0.value.hardMark != nil }
                .sorted { ($0.value.hardMark!.coefficient, $1.key.rawValue) > ($1.value.hardMark!.coefficient, $0.key.rawValue) }
            let easy = pending.filter { $0.value.hardMark == nil }
            // Easy ones: fix the wrong ones one by one, confirm the rest in pages of 100.
            var confirmations: [SampleConfirmation] = []
            for (id, record) in easy {
                if record.predictedLabels.first?.name == truth[id] {
                    confirmations.append(SampleConfirmation(sampleID: id))
                } else {
                    actions += 1
                    confirmations.append(SampleConfirmation(sampleID: id, correctedLabels: [ManualLabel(name: truth[id]!)]))
                }
            }
            let easyWrong = easy.filter { $0.value.predictedLabels.first?.name != truth[$0.key] }.count
            actions += Double((easy.count - easyWrong + 99) / 100)
            // Finding the wrong ones among the non-hard labels means looking at every one of them.
            actions += reviewCost * Double(easy.count)
            reviewActions += reviewCost * Double(easy.count)
            // A few hard ones, hardest first: each looked at and confirmed or fixed.
            let reviewed = hardPending.prefix(hardPerRound)
            for (id, record) in reviewed {
                actions += 1
                confirmations.append(SampleConfirmation(
                    sampleID: id, correctedLabels: record.predictedLabels.first?.name == truth[id] ? nil : [ManualLabel(name: truth[id]!)]))
            }
            let pendingWrong = pending.filter { $0.value.predictedLabels.first?.name != truth[$0.key] }.count
            roundDetails.append([
                "to_be_confirmed": Double(pending.count), "hard": Double(hardPending.count), "non_hard_fixed": Double(easyWrong),
                "non_hard_confirmed": Double(easy.count - easyWrong), "hard_reviewed": Double(reviewed.count),
                "hard_reviewed_wrong": Double(reviewed.filter { $0.value.predictedLabels.first?.name != truth[$0.key] }.count),
                "hard_rejected": Double(max(0, hardPending.count - reviewed.count)),
                "auto_label_accuracy": pending.isEmpty ? 1 : 1 - Double(pendingWrong) / Double(pending.count),
                "labeled_hard_confirmed": Double(state.samples.values.filter { $0.state == .labeled && $0.hardMark != nil }.count),
            ])
            if !confirmations.isEmpty {
                _ = try await service.execute(.confirmSamples(confirmations, by: "annotator"), on: dataset, actor: "annotator")
            }
            // The other hard ones go back to unlabeled for the next, better-trained round.
            let rejected = hardPending.dropFirst(hardPerRound).map(\.key)
            if !rejected.isEmpty {
                actions += 1
                _ = try await service.execute(.rejectSamples(rejected, by: "annotator"), on: dataset, actor: "annotator")
            }
            state = try await service.state(of: dataset)!
            if correctShare(state) >= 0.99 || state.sampleCounts.unlabeled == 0 || rounds >= 30 { break }
            actions += 1
            let (task, _) = try await autoLabel()
            if task.status != .succeeded { break }
        }
        // Whatever is still unlabeled is labeled by hand.
        state = try await service.state(of: dataset)!
        let left = state.samples.filter { $0.value.state != .labeled }.map(\.key)
        var handLabeledAtEnd = 0
        if correctShare(state) < 0.99 && !left.isEmpty {
            actions += Double(left.count)
            handLabeledAtEnd = left.count
            _ = try await service.execute(.updateSampleLabels(left.map {
                SampleLabelUpdate(sampleID: $0, labels: [ManualLabel(name: truth[$0]!)])
            }, by: "annotator"), on: dataset, actor: "annotator")
            state = try await service.state(of: dataset)!
        }
        reactorTask.cancel()
        _ = try? await reactorTask.value
        await log.close()
        let loop: [String: Any] = [
            "manual_actions": actions, "actions_labeling_every_image_by_hand": digits.count,
            "review_actions": reviewActions, "review_cost_per_non_hard_label": reviewCost,
            "reduction": 1 - actions / Double(digits.count), "rounds": rounds,
            "share_labels_correct": correctShare(state), "auto_label_tasks": taskNumber, "round_details": roundDetails,
            "labeled_by_hand_at_end": handLabeledAtEnd, "hard_example_weight": hardWeight,
        ]
        result["annotator_loop"] = loop
        let bytes = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: bytes, as: UTF8.self))
    }

    /// The pixel table at `path` (gzip when it ends in `.gz`); a bad line fails the command with its code.
    static func readTable(_ path: String) async throws -> PixelTable {
        let bytes: Data
        if path.hasSuffix(".gz") {
            guard let data = try await ToolRun.output(of: "/bin/gzip", ["-dc", path]) else { throw ValidationError("cannot read \(path)") }
            bytes = data
        } else {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return try PixelTable(csv: String(decoding: bytes, as: UTF8.self))
    }
}
