import Foundation
import LabelingDomain

/// The one-line description of an event in the audit index (`audit_events.summary`):
/// what changed, in the domain's words, without replaying anything.
enum AuditSummary {
    static func summary(_ event: DomainEvent) -> String {
        switch event {
        case .datasetCreated(let e):
            "created dataset '\(e.name)' (\(e.type)) with labels \(names(e.labels))"
        case .labelsAdded(let e):
            "added labels \(names(e.labels))"
        case .labelRenamed(let e):
            "renamed label '\(e.oldName)' → '\(e.newName)'"
        case .labelDeleted(let e):
            "deleted label '\(e.name)' (stripped from \(e.strippedSamples.count) samples)"
        case .datasetDeleted(let e):
            "deleted dataset '\(e.name)' with \(count(Int(e.sampleCount), "sample"))"
        case .samplesAdded(let e):
            "added \(count(e.samples.count, "sample"))"
        case .samplesDeleted(let e):
            "deleted \(count(e.samples.count, "sample"))"
        case .sampleLabelsReplaced(let e):
            e.samples.count == 1
                ? "labels of \(e.samples[0].sampleID): \(StoredLabels.text(e.samples[0].previousState, e.samples[0].previousLabels)) → \(StoredLabels.text(e.samples[0].newLabels.isEmpty ? .unlabeled : .labeled, e.samples[0].newLabels))"
                : "replaced the labels of \(count(e.samples.count, "sample"))"
        case .samplesConfirmed(let e):
            "confirmed \(count(e.samples.count, "sample"))"
        case .samplesRejected(let e):
            "rejected \(count(e.samples.count, "sample"))"
        case .samplesMarkedHard(let e):
            "marked \(count(e.sampleIDs.count, "sample")) hard: "
                + (e.reasons.isEmpty ? "by hand, no reason" : "reasons \(e.reasons.map(\.rawValue))")
                + " coefficient \(FixedDecimal.text(e.coefficient, places: 3))"
        case .hardMarksCleared(let e):
            "cleared the hard mark of \(count(e.sampleIDs.count, "sample"))"
        case .autoLabelTaskQueued(let e):
            "queued \(e.taskType) task \(e.taskID)" + (e.model.map { " with model \($0)" } ?? "")
        case .taskStarted(let e):
            "task \(e.taskID) initializing"
        case .taskRunning(let e):
            "task \(e.taskID) running"
        case .taskProgressed(let e):
            "task \(e.taskID) \(e.phase.serviceName) \(e.processed)/\(e.total) (\(FixedDecimal.text(e.percent, places: 1))%)"
        case .taskTrainingFinished(let e):
            "task \(e.taskID) trained: " + e.metrics.sorted { $0.key < $1.key }
                .map { "\($0.key)=\(FixedDecimal.text($0.value, places: 4))" }.joined(separator: " ")
        case .samplesAutoLabeled(let e):
            "task \(e.taskID) auto-labeled \(count(e.samples.count, "sample"))"
        case .hardExamplesDetected(let e):
            "task \(e.taskID) found \(count(e.samples.count, "hard example"))"
        case .taskSucceeded(let e):
            "task \(e.taskID) succeeded: \(e.counts.autoLabeledSamples)/\(e.counts.totalSamples) auto-labeled, \(e.counts.hardExamples) hard, \(e.counts.flattenedRGBAImages) RGBA flattened"
        case .taskFailed(let e):
            "task \(e.taskID) failed: \(e.code) \(e.message)"
        case .taskStopRequested(let e):
            "stop of task \(e.taskID) requested by \(e.by)"
        case .taskStopped(let e):
            "task \(e.taskID) stopped"
        case .continuousAutoLabelingConfigured(let e):
            e.newSamples == 0
                ? "continuous auto labeling off"
                : "continuous auto labeling after \(count(e.newSamples, "new sample")) (\(e.algorithm == .fast ? "fast" : "accurate"))"
        case .modelRegistered(let e):
            "registered model \(e.model) (\(e.type))"
        }
    }

    private static func names(_ labels: [LabelDefinition]) -> String {
        "[" + labels.map(\.name).joined(separator: ", ") + "]"
    }

    private static func count(_ n: Int, _ noun: String) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
    }
}
