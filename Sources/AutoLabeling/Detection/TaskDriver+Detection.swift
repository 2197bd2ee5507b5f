import Foundation
import LabelingDomain

/// Active learning on an object-detection dataset (``DetectionPipeline``), the detection branch of
/// ``TaskDriver/runActiveLearning()``: the same lifecycle, progress and result recording as the
/// classifier's, with boxes as the auto labels.
///
/// Memory: the labeled images are held decoded (training scans them repeatedly); target images
/// are decoded once to find the unreadable ones and then once per use, one at a time.
extension TaskDriver {
    func runDetectionActiveLearning() async throws {
        let (state, task) = try await currentTask()
        let classNames = state.labels.map(\.name)
        let classIndex = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        let paths = try await SampleSources.paths(of: dataset, in: service.log)
        let wanted = state.samples.keys.sorted().filter { id in
            let record = state.samples[id]!
            return record.state == .unlabeled || record.state == .labeled || task.autoLabeledSamples.contains(id)
        }
        var labeled: [BuiltInDetector.LabeledImage] = []
        var targets: [(id: SampleID, path: String)] = []
        var skipped: [(id: SampleID, reason: String)] = []
        var flattened = 0
        let step = max(1, wanted.count / 4)
        for (k, id) in wanted.enumerated() {
            try Task.checkCancellation()
            if k % step == 0 { try await progress(.initialize, k, wanted.count) }
            let record = state.samples[id]!
            guard let path = paths[id] else {
                skipped.append((id, "no source path recorded"))
                continue
            }
            let image: DecodedImage
            do {
                image = try ImageDecoder.decode(fileAt: path)
            } catch {
                skipped.append((id, error.message))
                logger.warning("skipping sample", metadata: ["sample": "\(id)", "reason": "\(error.message)"])
                continue
            }
            if image.wasFlattened { flattened += 1 }
            if record.state == .labeled {
                let boxes = record.labels.compactMap { label -> Detection? in
                    guard let box = label.box, box.hasPositiveArea, let c = classIndex[label.name] else { return nil }
                    return Detection(
                        x1: Double(box.x1), y1: Double(box.y1), x2: Double(box.x2), y2: Double(box.y2), classIndex: c, score: 1)
                }
                labeled.append(.init(image: image, boxes: boxes))
            } else {
                targets.append((id, path))
            }
        }
        try await progress(.initialize, wanted.count, wanted.count)
        try await ensureRunning()
        let started = Date()
        let output = try DetectionPipeline(seed: configuration.seed).run(
            labeled: labeled, classCount: classNames.count, targetCount: targets.count,
            loadTarget: { try ImageDecoder.decode(fileAt: targets[$0].path) }, algorithm: task.algorithm,
            targetAccuracy: task.targetAccuracy, shouldStop: { Task.isCancelled })
        try Task.checkCancellation()
        var metrics = output.metrics
        metrics["training_seconds"] = Date().timeIntervalSince(started)
        metrics["skipped_unreadable_images"] = Double(skipped.count)
        metrics["flattened_rgba_images"] = Double(flattened)
        try await execute(.finishTraining(taskID, metrics: metrics, at: Instant(Date())))
        let results = zip(targets, output.targets).map { target, result in
            let record = state.samples[target.id]!
            return TargetResult(
                id: target.id, labels: Self.predictedBoxes(result.boxes, names: classNames, width: record.width, height: record.height),
                finding: result.finding)
        }
        try await record(results, skipped: skipped, flattened: flattened)
    }

    /// Boxes as auto labels: rounded to whole pixels inside the image, each (label, box) once,
    /// scores kept inside [ε, 1 − ε].
    static func predictedBoxes(_ boxes: [Detection], names: [String], width: UInt32, height: UInt32) -> [PredictedLabel] {
        var seen = Set<PredictedLabel>()
        var out: [PredictedLabel] = []
        for detection in boxes {
            let box = BoundingBox(
                x1: Int32(max(0, min(Double(width) - 1, detection.x1.rounded()))),
                y1: Int32(max(0, min(Double(height) - 1, detection.y1.rounded()))),
                x2: Int32(max(0, min(Double(width), detection.x2.rounded()))),
                y2: Int32(max(0, min(Double(height), detection.y2.rounded()))))
            guard box.isValid(width: width, height: height) else { continue }
            let label = PredictedLabel(name: names[detection.classIndex], box: box, score: ClassPrediction.bounded(detection.score))
            var key = label
            key.score = 0
            if seen.insert(key).inserted { out.append(label) }
        }
        return out
    }
}
