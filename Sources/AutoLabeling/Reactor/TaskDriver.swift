import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Logging

/// Drives one auto-labeling task through its lifecycle by executing dataset
/// commands (actor ``AutoLabelingReactor/Configuration/actor``):
///
/// `startTask` → progress `start` → progress `init` (decoding) → `runTask` → training
/// → `finishTraining(metrics)` → progress `labeling` (the whole task's percentage throughout,
/// see ``progress(_:_:_:)``) with `recordAutoLabels`,
/// `recordHardExamples` and `clearHard` (marks an earlier task left on samples this task
/// no longer finds hard) per batch → progress `result_processing` → progress `end` →
/// `succeedTask(counts, skipped samples)`; any error → `failTask(code, message)`.
///
/// Resuming (the reactor restarted): a task found `initializing` continues with
/// `runTask`, one found `running` continues where it is. Samples the task already
/// auto-labeled are never labeled again (the domain refuses it too); they stay in the
/// computation, so the deterministic model predicts exactly what it did before the crash,
/// and their hard-example findings are recorded if the crash lost them.
struct TaskDriver: Sendable {
    let service: DatasetService
    let configuration: AutoLabelingReactor.Configuration
    let dataset: DatasetID
    let taskID: TaskID
    let logger: Logger

    // MARK: - Commands

    @discardableResult
    func execute(_ command: DatasetCommand) async throws -> CommandOutcome {
        do {
            return try await service.execute(command, on: dataset, actor: configuration.actor)
        } catch {
            throw AutoLabelingError.commandRefused(command: "\(command)".prefix(60).description, code: error.code, message: error.message)
        }
    }

    /// Reports the whole task's progress (``TaskPhase/taskPercent(processed:total:)``): never
    /// less than the task reported before (a resumed task goes through its phases again), and
    /// below 100 (only success is 100).
    func progress(_ phase: TaskPhase, _ processed: Int, _ total: Int) async throws {
        let reported = try await currentTask().1.progress?.percent ?? 0
        let percent = max(
            phase.taskPercent(processed: UInt64(processed), total: UInt64(total)), min(reported, TaskPhase.end.span.lowerBound))
        try await execute(.reportProgress(
            taskID, processed: UInt64(processed), total: UInt64(total), percent: percent, phase: phase, at: Instant(Date())))
    }

    func currentTask() async throws -> (DatasetState, TaskRecord) {
        guard let state = try await service.state(of: dataset) else { throw AutoLabelingError.datasetNotFound(dataset.rawValue) }
        guard let task = state.tasks[taskID] else {
            throw AutoLabelingError.taskNotFound(dataset: dataset.rawValue, task: taskID.rawValue)
        }
        return (state, task)
    }

    // MARK: - Lifecycle

    /// Runs the task to a terminal status, or throws `CancellationError` when cancelled
    /// (the reactor then records the stop or leaves the task for a restart).
    func run() async throws {
        if try await service.info(of: dataset)?.deletion != nil {
            // A task queued before its dataset was deleted (seen again when the reactor
            // catches up after a restart): nothing may be appended to a deleted dataset.
            logger.info("skipping a task of a deleted dataset", metadata: ["dataset": "\(dataset)", "task": "\(taskID)"])
            return
        }
        var (_, task) = try await currentTask()
        switch task.status {
        case .succeeded, .failed, .stopped: return
        case .stopping:
            try await execute(.markStopped(taskID, at: Instant(Date())))
            return
        case .queuing:
            try await execute(.startTask(taskID, at: Instant(Date())))
            try await progress(.start, 0, 1)
        case .initializing, .running:
            logger.info("resuming task", metadata: ["dataset": "\(dataset)", "task": "\(taskID)", "status": "\(task.status)"])
        }
        do {
            try Task.checkCancellation()
            switch task.type {
            case .autoLabel: try await runActiveLearning()
            case .preLabel: try await runPreLabeling()
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let (code, message) = (error as? AutoLabelingError).map { ($0.code, $0.message) }
                ?? ("LabelLedger.AutoLabel.099", "\(error)")
            (_, task) = try await currentTask()
            if !task.status.isTerminal {
                try await execute(.failTask(taskID, code: code, message: message, at: Instant(Date())))
            }
        }
    }

    /// The samples the task works on, decoded. Unreadable ones are skipped with their reason.
    struct DecodedSamples {
        var labeled: [(id: SampleID, features: ImageFeatures, label: String)] = []
        var targets: [(id: SampleID, features: ImageFeatures)] = []
        var skipped: [(id: SampleID, reason: String)] = []
        var flattened = 0
    }

    func decode(_ state: DatasetState, task: TaskRecord, includeLabeled: Bool) async throws -> DecodedSamples {
        let paths = try await SampleSources.paths(of: dataset, in: service.log)
        let ids = state.samples.keys.sorted()
        let wanted = ids.filter { id in
            let record = state.samples[id]!
            return record.state == .unlabeled || task.autoLabeledSamples.contains(id)
                || (includeLabeled && record.state == .labeled)
        }
        var out = DecodedSamples()
        let step = max(1, wanted.count / 4)
        for (k, id) in wanted.enumerated() {
            try Task.checkCancellation()
            if k % step == 0 { try await progress(.initialize, k, wanted.count) }
            let record = state.samples[id]!
            guard let path = paths[id] else {
                out.skipped.append((id, "no source path recorded"))
                continue
            }
            let image: DecodedImage
            do {
                image = try ImageDecoder.decode(fileAt: path)
            } catch {
                out.skipped.append((id, error.message))
                logger.warning("skipping sample", metadata: ["sample": "\(id)", "reason": "\(error.message)"])
                continue
            }
            if image.wasFlattened { out.flattened += 1 }
            let features = ImageFeatures(image: image)
            if record.state == .labeled {
                if let label = record.labels.first?.name { out.labeled.append((id, features, label)) }
            } else {
                out.targets.append((id, features))
            }
        }
        try await progress(.initialize, wanted.count, wanted.count)
        return out
    }

    func ensureRunning() async throws {
        let (_, task) = try await currentTask()
        if task.status == .initializing { try await execute(.runTask(taskID, at: Instant(Date()))) }
    }

    // MARK: - Active learning

    func runActiveLearning() async throws {
        let (state, task) = try await currentTask()
        // Detection datasets: the built-in detector (TaskDriver+Detection.swift).
        if state.type == .objectDetection { return try await runDetectionActiveLearning() }
        let samples = try await decode(state, task: task, includeLabeled: true)
        try await ensureRunning()
        let classNames = state.labels.map(\.name)
        let classIndex = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        let labeled = samples.labeled.filter { classIndex[$0.label] != nil }
        let started = Date()
        var pipeline = ActiveLearningPipeline(seed: configuration.seed)
        pipeline.hardExampleWeight = configuration.hardExampleWeight
        // Labels a person confirmed or fixed while the sample was marked hard weigh more.
        let confirmedHard = Set(labeled.indices.filter { state.samples[labeled[$0].id]?.hardMark != nil })
        let output = try pipeline.run(
            labeled: labeled.map(\.features), labels: labeled.map { classIndex[$0.label]! }, classCount: classNames.count,
            unlabeled: samples.targets.map(\.features), algorithm: task.algorithm, targetAccuracy: task.targetAccuracy,
            confirmedHard: confirmedHard, shouldStop: { Task.isCancelled })
        try Task.checkCancellation()
        var metrics = output.metrics
        metrics["training_seconds"] = Date().timeIntervalSince(started)
        metrics["skipped_unreadable_images"] = Double(samples.skipped.count)
        metrics["flattened_rgba_images"] = Double(samples.flattened)
        try await execute(.finishTraining(taskID, metrics: metrics, at: Instant(Date())))
        let results = samples.targets.enumerated().map { i, target in
            let prediction = output.predictions[i]
            return TargetResult(
                id: target.id,
                labels: [PredictedLabel(name: classNames[prediction.topClass], score: prediction.confidence)],
                finding: output.findings[i])
        }
        try await record(results, skipped: samples.skipped, flattened: samples.flattened)
    }

    // MARK: - Pre-labeling

    func runPreLabeling() async throws {
        let (state, task) = try await currentTask()
        guard let ref = task.model else { throw AutoLabelingError.modelNotRegistered("(none)") }
        guard let model = try await service.models(usableBy: dataset).models[ref] else {
            throw AutoLabelingError.modelNotRegistered(ref.description)
        }
        let samples = try await decode(state, task: task, includeLabeled: true)
        try await ensureRunning()
        let labelNames = Set(state.labels.map(\.name))
        let runner = ExternalModelRunner(model: model)
        let started = Date()
        let inputs = samples.labeled.map { (id: $0.id, features: $0.features) } + samples.targets
        let paths = try await SampleSources.paths(of: dataset, in: service.log)
        let predictions = try await runner.predict(samples: inputs.map { ($0.id, paths[$0.id] ?? "") }, labelNames: labelNames)
        let results = PreLabelAssessment(
            type: state.type, labeled: samples.labeled, targets: samples.targets, predictions: predictions,
            targetAccuracy: task.targetAccuracy)
        var metrics = results.metrics
        metrics["model_seconds"] = Date().timeIntervalSince(started)
        metrics["skipped_unreadable_images"] = Double(samples.skipped.count)
        metrics["flattened_rgba_images"] = Double(samples.flattened)
        try await execute(.finishTraining(taskID, metrics: metrics, at: Instant(Date())))
        try await record(results.targets, skipped: samples.skipped, flattened: samples.flattened)
    }

    // MARK: - Results

    /// A prediction for one target sample (empty labels: nothing to auto-label, e.g. no box found).
    struct TargetResult {
        var id: SampleID
        var labels: [PredictedLabel]
        var finding: HardExampleDetector.Finding?
    }

    func record(_ results: [TargetResult], skipped: [(id: SampleID, reason: String)], flattened: Int) async throws {
        let total = results.count
        var done = 0
        try await progress(.labeling, 0, total)  // training (or the model's run) is over
        for batch in stride(from: 0, to: total, by: configuration.batchSize).map({ Array(results[$0..<min($0 + configuration.batchSize, total)]) }) {
            try Task.checkCancellation()
            let (state, current) = try await currentTask()
            let fresh = batch.filter { !current.autoLabeledSamples.contains($0.id) && !$0.labels.isEmpty }
            if !fresh.isEmpty {
                try await execute(.recordAutoLabels(taskID, fresh.map { SamplePrediction(sampleID: $0.id, labels: $0.labels) }))
            }
            let hard = batch.compactMap { result -> HardExampleReport? in
                guard let finding = result.finding else { return nil }
                if case .task(taskID) = state.samples[result.id]?.hardMark?.origin { return nil }  // recorded before a crash
                return HardExampleReport(
                    sampleID: result.id, reasonCodes: finding.reasons.map(\.rawValue), coefficient: finding.coefficient)
            }
            if !hard.isEmpty { try await execute(.recordHardExamples(taskID, hard)) }
            // A sample this task predicted afresh and does not find hard loses the mark an earlier
            // task gave it (that assessment was about an older prediction); a person's mark stays.
            let stale = batch.compactMap { result -> SampleID? in
                guard result.finding == nil, !result.labels.isEmpty,
                    case .task(let earlier) = state.samples[result.id]?.hardMark?.origin, earlier != taskID
                else { return nil }
                return result.id
            }
            if !stale.isEmpty { try await execute(.clearHard(stale, by: configuration.actor)) }
            done += batch.count
            try await progress(.labeling, done, total)
        }
        // Unreadable images: skipped (listed with their reason in the task result) and marked
        // "abnormal" (reason 30) so a person sees them first.
        let (state, _) = try await currentTask()
        let abnormal = skipped.filter { item in
            if case .task(taskID) = state.samples[item.id]?.hardMark?.origin { return false }
            return state.samples[item.id] != nil
        }
        try await progress(.resultProcessing, 0, 1)
        if !abnormal.isEmpty {
            try await execute(.recordHardExamples(taskID, abnormal.map {
                HardExampleReport(sampleID: $0.id, reasonCodes: [HardReason.predictedAbnormal.rawValue], coefficient: 1)
            }))
        }
        try await progress(.resultProcessing, 1, 1)
        let (_, finished) = try await currentTask()
        try Task.checkCancellation()
        try await progress(.end, 1, 1)
        try await execute(.succeedTask(taskID, counts: TaskResultCounts(
            totalSamples: UInt64(results.count + skipped.count),
            autoLabeledSamples: UInt64(finished.autoLabeledSamples.count),
            hardExamples: finished.hardExamplesFound, flattenedRGBAImages: UInt64(flattened),
            skippedSamples: skipped.map { SkippedSample(sampleID: $0.id, reason: $0.reason) }), at: Instant(Date())))
    }
}
