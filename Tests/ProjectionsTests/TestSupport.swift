import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Testing
import TestSupport
@testable import Projections

/// A data directory laid out like the CLI's: `<root>/log`, `<root>/projections`, with a
/// service to produce real events and a projector over them.
struct ProjectionFixture {
    let directory: TemporaryDirectory
    let log: EventLog
    let service: DatasetService
    let store: ProjectionStore
    let projector: Projector
    var queries: ProjectionQueries { ProjectionQueries(store: store) }
    var projectionDirectory: URL { directory.url.appendingPathComponent("projections") }

    init(name: String = #function, batchSize: Int = 10_000, rebuildBatchSize: Int = 50_000) throws {
        directory = TemporaryDirectory(name)
        log = try EventLog.open(
            directory: directory.url.appendingPathComponent("log"), configuration: .init(durability: .none))
        service = DatasetService(log: log, snapshotDirectory: directory.url.appendingPathComponent("snapshots"))
        store = try ProjectionStore.open(directory: directory.url.appendingPathComponent("projections"))
        projector = Projector(log: log, store: store, batchSize: batchSize, rebuildBatchSize: rebuildBatchSize)
    }

    /// Projections built from scratch in another directory from the same log, up to `position`.
    func freshStore(upTo position: UInt64? = nil, batchSize: Int = 10_000) async throws -> (ProjectionStore, TemporaryDirectory) {
        let other = TemporaryDirectory("fresh")
        let store = try ProjectionStore.open(directory: other.url)
        try await Projector(log: log, store: store, batchSize: batchSize).catchUp(upTo: position)
        return (store, other)
    }

    func cleanup() async {
        await log.close()
        directory.cleanup()
    }
}

let baseInstant: Int64 = 1_760_000_000_000_000

func newSample(_ i: Int, size: UInt32 = 32) -> NewSample {
    NewSample(
        id: SampleID("s\(i)"), name: "img-\(String(format: "%05d", i)).png", sourcePath: "/data/img-\(i).png",
        width: size, height: size, channels: 1, contentSHA256: String(repeating: "0", count: 56) + String(format: "%08x", i))
}

/// Seeded random labeling activity through the real service: manual labels, auto-label
/// and pre-label tasks (success, failure, stop), confirmations with and without
/// corrections, rejections, hard marks, label renames/additions/deletions and sample
/// deletions — every event type the projections handle.
struct Workload {
    let service: DatasetService
    let dataset: DatasetID
    let type: LabelingType
    var rng: SeededGenerator
    var labels = ["cat", "dog", "bird", "fish"]
    var clock = baseInstant
    var nextSample = 0
    var nextTask = 0
    var nextLabel = 0
    let people = ["ana", "ben", "chen"]
    /// When false, steps that rename, add or delete labels label samples instead.
    var labelSetChanges = true

    init(service: DatasetService, dataset: DatasetID = "ds", type: LabelingType = .imageClassification, seed: UInt64) {
        self.service = service
        self.dataset = dataset
        self.type = type
        self.rng = SeededGenerator(seed: seed)
    }

    mutating func now() -> Instant {
        clock += 1_000_000
        return Instant(microsecondsSince1970: clock)
    }

    mutating func person() -> String { people.randomElement(using: &rng)! }

    func state() async throws -> DatasetState { try await service.state(of: dataset)! }

    mutating func run(_ command: DatasetCommand, actor: String) async throws {
        do {
            _ = try await service.execute(command, on: dataset, actor: actor, commandID: "cmd-\(UUID().uuidString)")
        } catch {
            guard case .rule = error else { throw error }
        }
    }

    mutating func create(samples: Int) async throws {
        try await run(.createDataset(
            id: dataset, name: "ds-\(dataset.rawValue)", typeCode: type.rawValue,
            labels: labels.enumerated().map { LabelDefinition(name: $1, color: String(format: "#%02X00FF", $0 * 40)) },
            description: "test", by: "ana", at: now()), actor: "ana")
        try await addSamples(samples)
        try await service.execute(.registerModel(
            ModelRef(name: "net-\(dataset.rawValue)", version: "1"), type: type, commandLine: ["/bin/true"],
            timeoutSeconds: 60, by: "ops", at: now()), actor: "ops")
    }

    mutating func addSamples(_ n: Int) async throws {
        let batch = (nextSample..<(nextSample + n)).map { newSample($0) }
        nextSample += n
        try await run(.addSamples(batch, by: "importer"), actor: "importer")
    }

    mutating func manual(_ name: String) -> ManualLabel {
        guard type == .objectDetection else { return ManualLabel(name: name) }
        let x = Int32.random(in: 0..<20, using: &rng), y = Int32.random(in: 0..<20, using: &rng)
        return ManualLabel(name: name, box: BoundingBox(x1: x, y1: y, x2: x + Int32.random(in: 2...12, using: &rng), y2: y + 8))
    }

    mutating func predicted(_ name: String) -> PredictedLabel {
        let m = manual(name)
        return PredictedLabel(name: m.name, box: m.box, score: Double(Int.random(in: 1...999, using: &rng)) / 1000)
    }

    mutating func pick(_ ids: [SampleID], upTo n: Int) -> [SampleID] {
        Array(ids.shuffled(using: &rng).prefix(Int.random(in: 1...max(1, n), using: &rng)))
    }

    func ids(_ state: DatasetState, in sampleState: SampleState? = nil) -> [SampleID] {
        state.samples.filter { sampleState == nil || $0.value.state == sampleState }.map(\.key).sorted()
    }

    /// Labels `n` samples per label so that active learning is allowed.
    mutating func seedLabels(perLabel n: Int) async throws {
        let unlabeled = ids(try await state(), in: .unlabeled)
        var updates: [SampleLabelUpdate] = []
        for (i, label) in labels.enumerated() {
            for id in unlabeled.dropFirst(i * n).prefix(n) {
                updates.append(SampleLabelUpdate(sampleID: id, labels: [manual(label)]))
            }
        }
        try await run(.updateSampleLabels(updates, by: "ana"), actor: "ana")
    }

    mutating func step() async throws {
        let state = try await state()
        let who = person()
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<25:
            let targets = pick(ids(state), upTo: 4)
            let updates = targets.map { id in
                SampleLabelUpdate(
                    sampleID: id,
                    labels: Int.random(in: 0..<8, using: &rng) == 0
                        ? [] : (0..<Int.random(in: 1...2, using: &rng)).map { _ in manual(labels.randomElement(using: &rng)!) })
            }
            try await run(.updateSampleLabels(updates, by: who), actor: who)
        case 25..<40:
            try await autoLabelTask()
        case 40..<55:
            let pending = ids(state, in: .toBeConfirmed)
            guard !pending.isEmpty else { return }
            let confirmations = pick(pending, upTo: 5).map { id in
                SampleConfirmation(
                    sampleID: id,
                    correctedLabels: Bool.random(using: &rng) ? nil : [manual(labels.randomElement(using: &rng)!)])
            }
            try await run(.confirmSamples(confirmations, by: who), actor: who)
        case 55..<63:
            let pending = ids(state, in: .toBeConfirmed)
            guard !pending.isEmpty else { return }
            try await run(.rejectSamples(pick(pending, upTo: 3), by: who), actor: who)
        case 63..<73:
            let codes = Array(Set((0..<Int.random(in: 1...3, using: &rng)).map { _ in Int.random(in: 0...30, using: &rng) }))
            try await run(.markHard(pick(ids(state), upTo: 4), reasonCodes: codes.sorted(),
                coefficient: Double(Int.random(in: 0...100, using: &rng)) / 100, by: who), actor: who)
        case 73..<79:
            let hard = state.samples.filter { $0.value.hardMark != nil }.map(\.key).sorted()
            guard !hard.isEmpty else { return }
            try await run(.clearHard(pick(hard, upTo: 3), by: who), actor: who)
        case 79..<85:
            try await addSamples(Int.random(in: 1...6, using: &rng))
        case 85..<89:
            try await run(.deleteSamples(pick(ids(state), upTo: 2), by: who), actor: who)
        case 89..<97 where !labelSetChanges:
            try await manualBatch(who)
        case 89..<92:
            let old = labels.randomElement(using: &rng)!
            let new = "\(old)-\(nextLabel)"
            nextLabel += 1
            try await run(.renameLabel(from: old, to: new, by: who), actor: who)
            labels[labels.firstIndex(of: old)!] = new
        case 92..<95:
            let name = "extra-\(nextLabel)"
            nextLabel += 1
            try await run(.addLabels([LabelDefinition(name: name, color: "#123456")], by: who), actor: who)
            labels.append(name)
        case 95..<97:
            guard labels.count > 3 else { return }
            let name = labels.removeLast()
            try await run(.deleteLabel(name: name, stripFromSamples: true, by: who), actor: who)
        default:
            try await manualBatch(who)
        }
    }

    mutating func manualBatch(_ who: String) async throws {
        let targets = pick(ids(try await state(), in: .unlabeled), upTo: 10)
        try await run(.updateSampleLabels(
            targets.map { SampleLabelUpdate(sampleID: $0, labels: [manual(labels.randomElement(using: &rng)!)]) }, by: who),
            actor: who)
    }

    /// A whole task lifecycle: queued, started, running, progress, training, predictions,
    /// hard examples, then succeeded, failed or stopped.
    mutating func autoLabelTask() async throws {
        let task = TaskID("task-\(dataset.rawValue)-\(nextTask)")
        nextTask += 1
        let preLabel = nextTask % 3 == 0
        try await run(.requestAutoLabeling(
            taskID: task, type: preLabel ? .preLabel : .autoLabel, algorithm: .fast,
            model: preLabel ? ModelRef(name: "net-\(dataset.rawValue)", version: "1") : nil, targetAccuracy: nil,
            by: person(), at: now()), actor: "ana")
        guard try await state().tasks[task] != nil else { return }
        let ending = nextTask % 5
        if ending == 0 {
            try await run(.requestStop(task, by: "ben", at: now()), actor: "ben")
            try await run(.markStopped(task, at: now()), actor: "auto-labeling")
            return
        }
        try await run(.startTask(task, at: now()), actor: "auto-labeling")
        try await run(.runTask(task, at: now()), actor: "auto-labeling")
        try await run(.reportProgress(task, processed: 0, total: 10, percent: 10, phase: .labeling, at: now()), actor: "auto-labeling")
        try await run(.finishTraining(task, metrics: ["accuracy": 0.9, "loss": 0.3], at: now()), actor: "auto-labeling")
        let unlabeled = ids(try await state(), in: .unlabeled)
        let chosen = unlabeled.isEmpty ? [] : pick(unlabeled, upTo: 6)
        if !chosen.isEmpty {
            var predictions: [SamplePrediction] = []
            for id in chosen {
                predictions.append(SamplePrediction(sampleID: id, labels: [predicted(labels.randomElement(using: &rng)!)]))
            }
            try await run(.recordAutoLabels(task, predictions), actor: "auto-labeling")
            try await run(.recordHardExamples(task, [HardExampleReport(sampleID: chosen[0], reasonCodes: [1, 2], coefficient: 0.7)]),
                actor: "auto-labeling")
        }
        try await run(.reportProgress(task, processed: 10, total: 10, percent: 100, phase: .resultProcessing, at: now()), actor: "auto-labeling")
        switch ending {
        case 1:
            try await run(.failTask(task, code: "LabelLedger.Task.001", message: "trainer crashed", at: now()), actor: "auto-labeling")
        case 2:
            try await run(.requestStop(task, by: "chen", at: now()), actor: "chen")
            try await run(.markStopped(task, at: now()), actor: "auto-labeling")
        default:
            try await run(.succeedTask(task, counts: TaskResultCounts(
                totalSamples: UInt64(chosen.count), autoLabeledSamples: UInt64(chosen.count), hardExamples: 1,
                flattenedRGBAImages: 0), at: now()), actor: "auto-labeling")
        }
    }

    /// Creates the dataset, seeds labels and runs `steps` random steps.
    mutating func generate(samples: Int, steps: Int) async throws {
        try await create(samples: samples)
        try await seedLabels(perLabel: 6)
        for _ in 0..<steps { try await step() }
    }
}

/// The projection's tab content, checked against a brute-force filter of the domain state.
func expectedIDs(_ state: DatasetState, _ include: (SampleRecord) -> Bool) -> Set<SampleID> {
    Set(state.samples.filter { include($0.value) }.map(\.key))
}

/// Every page of a query, following cursors.
func allPages(_ queries: ProjectionQueries, _ query: SampleQuery) throws -> [SampleView] {
    var query = query
    var result: [SampleView] = []
    while true {
        let page = try queries.samples(query)
        result += page.samples
        guard let next = page.nextCursor else { return result }
        query.cursor = next
    }
}
