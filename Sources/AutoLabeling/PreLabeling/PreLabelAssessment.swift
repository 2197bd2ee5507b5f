import LabelingDomain

/// Turns a registered model's predictions into auto labels and hard-example findings.
///
/// - Classification: the top label with its confidence. The margin threshold of reason 1
///   is calibrated like active learning's, on the dataset's *labeled* samples (the model
///   predicted them too and never saw our labels, so they are honest held-out data);
///   with fewer than 10 of them it falls back to a margin of 0.5
///   (metric `threshold_calibrated` = 0). Reasons 5 and 6 compare image geometry with the
///   labeled images.
/// - Scores: the model's confidences kept inside [ε, 1 − ε] (``ClassPrediction/bounded(_:)``).
/// - Detection: every box the model found, clipped to the image; a sample with no box is
///   not auto-labeled and gets reason 0; a box below confidence 0.5 gives reason 1.
struct PreLabelAssessment {
    var targets: [TaskDriver.TargetResult] = []
    var metrics: [String: Double] = [:]

    init(
        type: LabelingType, labeled: [(id: SampleID, features: ImageFeatures, label: String)],
        targets samples: [(id: SampleID, features: ImageFeatures)],
        predictions: [SampleID: [ExternalModelRunner.ModelPrediction]], targetAccuracy: Double
    ) {
        switch type {
        case .objectDetection:
            for sample in samples {
                let boxes = (predictions[sample.id] ?? []).compactMap { p -> PredictedLabel? in
                    guard var box = p.box else { return nil }
                    box.x1 = max(0, box.x1)
                    box.y1 = max(0, box.y1)
                    box.x2 = min(Int32(sample.features.width), box.x2)
                    box.y2 = min(Int32(sample.features.height), box.y2)
                    return box.hasPositiveArea ? PredictedLabel(name: p.name, box: box, score: ClassPrediction.bounded(p.confidence)) : nil
                }
                var finding = HardExampleDetector.assessDetection(boxCount: boxes.count)
                if finding == nil, let weakest = boxes.map(\.score).min(), weakest < 0.5 {
                    finding = .init(reasons: [.lowConfidence], coefficient: HardExampleDetector.coefficient(margin: weakest, reasons: 1))
                }
                targets.append(.init(id: sample.id, labels: boxes, finding: finding))
            }
            metrics["samples_without_boxes"] = Double(targets.filter { $0.labels.isEmpty }.count)
        case .imageClassification:
            let names = Array(Set((labeled.map(\.label)) + predictions.values.flatMap { $0.map(\.name) })).sorted()
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            func classPrediction(_ id: SampleID) -> ClassPrediction? {
                guard let given = predictions[id], !given.isEmpty, names.count >= 1 else { return nil }
                var probabilities = [Double](repeating: 0, count: max(names.count, 2))
                for p in given { probabilities[index[p.name]!] = max(probabilities[index[p.name]!], p.confidence) }
                return ClassPrediction(probabilities: probabilities)
            }
            var detector = HardExampleDetector(
                configuration: .init(targetAccuracy: targetAccuracy),
                trainingSizes: labeled.isEmpty ? samples.map { ($0.features.width, $0.features.height) }
                    : labeled.map { ($0.features.width, $0.features.height) })
            let heldOut = labeled.compactMap { item -> (HardExampleDetector.Candidate, Int)? in
                guard let prediction = classPrediction(item.id), let truth = index[item.label] else { return nil }
                return (.init(prediction: prediction, neighbourClass: nil, relativeDistance: nil,
                              width: item.features.width, height: item.features.height), truth)
            }
            if heldOut.count >= 10 {
                detector.calibrate(heldOut: heldOut)
                metrics["threshold_calibrated"] = 1
                metrics["held_out_accuracy"] = Double(heldOut.filter { $0.0.prediction.topClass == $0.1 }.count) / Double(heldOut.count)
            } else {
                detector.calibrate(heldOut: [])
                detector.overrideMarginThreshold(0.5)
                metrics["threshold_calibrated"] = 0
            }
            metrics.merge(detector.calibration.reportedMetrics) { $1 }
            for sample in samples {
                guard let prediction = classPrediction(sample.id) else {
                    targets.append(.init(id: sample.id, labels: [], finding: .init(reasons: [.predictedAbnormal], coefficient: 1)))
                    continue
                }
                let candidate = HardExampleDetector.Candidate(
                    prediction: prediction, neighbourClass: nil, relativeDistance: nil, width: sample.features.width,
                    height: sample.features.height)
                targets.append(.init(
                    id: sample.id,
                    labels: [PredictedLabel(name: names[prediction.topClass], score: prediction.confidence)],
                    finding: detector.assess(candidate)))
            }
        }
        metrics["predicted_samples"] = Double(samples.filter { predictions[$0.id] != nil }.count)
    }
}
