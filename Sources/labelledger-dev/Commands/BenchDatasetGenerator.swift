import AutoLabeling
import Foundation
import LabelingDomain

/// The events of one generated classification dataset, as a labeling team and an
/// active-learning task would write them: one-sample events (adds, manual labels and
/// relabels, auto labels, confirms, rejects, hard marks found by a task or set and cleared
/// by people), about 2.9 per sample, in log order.
///
/// Deterministic: the same `samples` and `seed` give the same events in the same order
/// (times advance by 1 ms per task event from a fixed start), so two benchmarks that
/// generate the same dataset measure the same bytes.
struct BenchDatasetGenerator {
    /// The dataset id the events describe.
    static let dataset: DatasetID = "bench"
    var samples: Int
    var seed: UInt64 = 7

    /// Calls `emit` with each event and the actor who caused it, in order.
    func generate(_ emit: (DomainEvent, String) async throws -> Void) async rethrows {
        var rng = SplitMix64(seed: seed)
        let people = ["ana", "ben", "chen", "dan"]
        let task: TaskID = "al-1"
        var at: Int64 = 1_763_942_400_000_000
        func next() -> Instant {
            at += 1_000
            return Instant(microsecondsSince1970: at)
        }
        let labels = (0..<10).map { LabelDefinition(name: "class-\($0)", color: "#0000\(String(format: "%02X", $0 * 20))") }
        try await emit(.datasetCreated(DatasetCreated(
            datasetID: Self.dataset, name: "bench", type: .imageClassification, labels: labels, description: "generated",
            createdBy: "bench", createdAt: next())), "bench")
        try await emit(.autoLabelTaskQueued(AutoLabelTaskQueued(
            taskID: task, taskType: .autoLabel, algorithm: .fast, model: nil, requestedBy: "ana", at: next())), "ana")
        try await emit(.taskStarted(TaskStarted(taskID: task, at: next())), "auto-labeling")
        try await emit(.taskRunning(TaskRunning(taskID: task, at: next())), "auto-labeling")
        let chunk = 10_000
        var autoLabeled: UInt64 = 0
        var hardFound: UInt64 = 0
        for start in stride(from: 0, to: samples, by: chunk) {
            let range = start..<min(samples, start + chunk)
            for i in range {
                try await emit(.samplesAdded(SamplesAdded(samples: [NewSample(
                    id: SampleID("s\(i)"), name: String(format: "img-%07d.png", i), sourcePath: "/data/img-\(i).png",
                    width: 640, height: 480, channels: 3,
                    contentSHA256: String(repeating: "a", count: 48) + String(format: "%016x", i))], by: "importer")), "importer")
            }
            for i in range {
                let id = SampleID("s\(i)")
                let roll = rng.next() % 100
                let label = "class-\(rng.next() % 10)"
                let who = people[Int(rng.next() % 4)]
                if roll < 40 {
                    let first = SampleLabel(name: label, annotator: .human(who))
                    try await emit(.sampleLabelsReplaced(SampleLabelsReplaced(samples: [LabelReplacement(
                        sampleID: id, previousState: .unlabeled, previousLabels: [], newLabels: [first])], by: who)), who)
                    if roll < 20 {
                        let reviewer = people[Int(rng.next() % 4)]
                        let second = SampleLabel(name: "class-\(rng.next() % 10)", annotator: .human(reviewer))
                        try await emit(.sampleLabelsReplaced(SampleLabelsReplaced(samples: [LabelReplacement(
                            sampleID: id, previousState: .labeled, previousLabels: [first], newLabels: [second])],
                            by: reviewer)), reviewer)
                    }
                } else if roll < 90 {
                    let score = Double(rng.next() % 1000) / 1000
                    let predicted = SampleLabel(name: label, score: score, annotator: .activeLearning(task))
                    try await emit(.samplesAutoLabeled(SamplesAutoLabeled(
                        taskID: task, model: nil, samples: [AutoLabeledSample(sampleID: id, labels: [predicted])])), "auto-labeling")
                    autoLabeled += 1
                    if score < 0.3 {
                        try await emit(.hardExamplesDetected(HardExamplesDetected(taskID: task, samples: [
                            HardExampleFinding(sampleID: id, reasons: [.lowConfidence], coefficient: 1 - score)])), "auto-labeling")
                        hardFound += 1
                    }
                    let review = rng.next() % 100
                    if review < 60 {
                        try await emit(.samplesConfirmed(SamplesConfirmed(samples: [ConfirmedSample(
                            sampleID: id, confirmedLabels: [predicted], predictedLabels: [predicted])], by: who)), who)
                    } else if review < 75 {
                        try await emit(.samplesRejected(SamplesRejected(
                            samples: [RejectedSample(sampleID: id, rejectedLabels: [predicted])], by: who)), who)
                    }
                }
                let mark = rng.next() % 100
                if mark < 10 {
                    try await emit(.samplesMarkedHard(SamplesMarkedHard(
                        sampleIDs: [id], reasons: [.predictedAbnormal], coefficient: 0.5, by: who)), who)
                    if mark < 3 { try await emit(.hardMarksCleared(HardMarksCleared(sampleIDs: [id], by: who)), who) }
                }
            }
            try await emit(.taskProgressed(TaskProgressed(
                taskID: task, processed: UInt64(range.upperBound), total: UInt64(samples),
                percent: Double(range.upperBound) * 100 / Double(samples), phase: .labeling, at: next())), "auto-labeling")
        }
        try await emit(.taskSucceeded(TaskSucceeded(taskID: task, counts: TaskResultCounts(
            totalSamples: UInt64(samples), autoLabeledSamples: autoLabeled, hardExamples: hardFound, flattenedRGBAImages: 0),
            at: next())), "auto-labeling")
    }
}
