import Foundation
import LabelingDomain
import Testing

// Shared arrangements for the specification tests.

let t0 = Instant(microsecondsSince1970: 1_750_000_000_000_000)

func at(_ seconds: Int64) -> Instant {
    Instant(microsecondsSince1970: t0.microsecondsSince1970 + seconds * 1_000_000)
}

/// A valid SHA-256 hex string derived from `seed`.
func sha(_ seed: Int) -> String {
    let hex = String(seed, radix: 16)
    return String(repeating: "0", count: 64 - hex.count) + hex
}

func label(_ name: String, _ color: String = "#FF0000") -> LabelDefinition {
    LabelDefinition(name: name, color: color)
}

func newSample(
    _ id: String, width: UInt32 = 100, height: UInt32 = 80, channels: UInt32 = 3, labels: [SampleLabel] = [],
    name: String? = nil
) -> NewSample {
    NewSample(
        id: SampleID(id), name: name ?? "\(id).jpg", sourcePath: "/images/\(id).jpg", width: width, height: height,
        channels: channels, contentSHA256: sha(id.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFFFF }), usage: .train, initialLabels: labels)
}

func human(_ name: String, box: BoundingBox? = nil) -> SampleLabel {
    SampleLabel(name: name, box: box, annotator: .human("ana"))
}

func box(_ x1: Int32, _ y1: Int32, _ x2: Int32, _ y2: Int32) -> BoundingBox {
    BoundingBox(x1: x1, y1: y1, x2: x2, y2: y2)
}

/// A dataset driven through `decide` and `evolve` like the application does,
/// keeping every appended event.
struct Harness {
    var state = DatasetState()
    var models = ModelRegistryState()
    var log: [DomainEvent] = []

    @discardableResult
    mutating func run(_ command: DatasetCommand) throws(DomainError) -> Decision {
        let decision = try decide(command, state: state, models: models)
        for event in decision.events {
            evolve(&state, event)
            state.version += 1
            log.append(event)
        }
        return decision
    }

    mutating func register(_ ref: ModelRef, type: LabelingType) throws(DomainError) {
        for event in try decide(
            .registerModel(ref, type: type, commandLine: ["/opt/model/run"], timeoutSeconds: 600, by: "ops", at: t0),
            registry: models)
        {
            evolve(&models, event)
        }
    }

    /// The error `command` is refused with, or nil if it was accepted.
    mutating func refusal(_ command: DatasetCommand) -> DomainError? {
        do {
            try run(command)
            return nil
        } catch {
            return error
        }
    }

    static func classification(labels: [String] = ["cat", "dog"], samples: Int = 0) throws -> Harness {
        var harness = Harness()
        try harness.run(
            .createDataset(
                id: "ds-1", name: "pets", typeCode: 0, labels: labels.map { label($0) }, description: "", by: "ana",
                at: t0))
        if samples > 0 {
            try harness.run(.addSamples((0..<samples).map { newSample("s\($0)") }, by: "ana"))
        }
        return harness
    }

    static func detection(labels: [String] = ["car", "person"], samples: Int = 0) throws -> Harness {
        var harness = Harness()
        try harness.run(
            .createDataset(
                id: "ds-2", name: "street", typeCode: 1, labels: labels.map { label($0) }, description: "", by: "ana",
                at: t0))
        if samples > 0 {
            try harness.run(.addSamples((0..<samples).map { newSample("s\($0)") }, by: "ana"))
        }
        return harness
    }

    /// Labels samples `ids` with `name` by hand.
    mutating func labelByHand(_ ids: [String], _ name: String) throws {
        try run(.updateSampleLabels(ids.map { SampleLabelUpdate(sampleID: SampleID($0), labels: [ManualLabel(name: name)]) }, by: "ana"))
    }

    /// A classification dataset ready for active learning: cat and dog on 5
    /// labeled samples each, plus `unlabeled` unlabeled samples, and a running task "t1".
    static func withRunningTask(unlabeled: Int = 3, type: TaskType = .autoLabel) throws -> Harness {
        var harness = try classification(samples: 10 + unlabeled)
        try harness.labelByHand((0..<5).map { "s\($0)" }, "cat")
        try harness.labelByHand((5..<10).map { "s\($0)" }, "dog")
        var model: ModelRef?
        if type == .preLabel {
            model = ModelRef(name: "resnet", version: "1")
            try harness.register(model!, type: .imageClassification)
        }
        try harness.run(
            .requestAutoLabeling(
                taskID: "t1", type: type, algorithm: .fast, model: model, targetAccuracy: nil, by: "ana", at: at(1)))
        try harness.run(.startTask("t1", at: at(2)))
        try harness.run(.runTask("t1", at: at(3)))
        return harness
    }
}

/// Recount of every counter from the samples, and the structural invariants
/// of a dataset state. Returns the violations (empty when valid).
func invariantViolations(_ state: DatasetState) -> [String] {
    var problems: [String] = []
    let recount = state.recountedCounters()
    if recount.sampleCounts != state.sampleCounts { problems.append("sample counts \(state.sampleCounts) ≠ \(recount.sampleCounts)") }
    if recount.labelUsage != state.labelUsage { problems.append("label usage \(state.labelUsage) ≠ \(recount.labelUsage)") }
    if recount.sampleNames != state.sampleNames { problems.append("sample names differ from a recount") }
    if recount.hardSampleCount != state.hardSampleCount || recount.hardReasonCounts != state.hardReasonCounts {
        problems.append("hard counts differ from a recount")
    }
    if state.sampleCounts.total != state.samples.count { problems.append("state counts do not add up to the samples") }
    if Set(state.labelUsage.keys) != Set(state.labels.map(\.name)) || state.labels.count != state.labelUsage.count {
        problems.append("label usage keys differ from the label set")
    }
    for (id, record) in state.samples {
        switch record.state {
        case .unlabeled:
            if !record.labels.isEmpty || !record.predictedLabels.isEmpty { problems.append("\(id) unlabeled with labels") }
        case .toBeConfirmed:
            if !record.labels.isEmpty || record.predictedLabels.isEmpty { problems.append("\(id) toBeConfirmed shape") }
        case .labeled:
            if record.labels.isEmpty || !record.predictedLabels.isEmpty { problems.append("\(id) labeled shape") }
        }
        for label in record.labels + record.predictedLabels where !state.hasLabel(label.name) {
            problems.append("\(id) carries unknown label \(label.name)")
        }
        for label in record.labels + record.predictedLabels {
            switch state.type {
            case .imageClassification where label.box != nil: problems.append("\(id) classification box")
            case .objectDetection where !(label.box?.isValid(width: record.width, height: record.height) ?? false):
                problems.append("\(id) invalid detection box")
            default: break
            }
        }
        if let mark = record.hardMark, !(0...1).contains(mark.coefficient) || mark.reasons.isEmpty {
            problems.append("\(id) invalid hard mark")
        }
    }
    if let active = state.activeTaskID {
        if let task = state.tasks[active] {
            if task.status.isTerminal { problems.append("active task \(active) is \(task.status)") }
        } else {
            problems.append("active task \(active) missing")
        }
    }
    let open = state.tasks.values.filter { !$0.status.isTerminal }
    if open.count > 1 || (open.count == 1 && open.first?.id != state.activeTaskID) {
        problems.append("open tasks \(open.map(\.id)) vs active \(String(describing: state.activeTaskID))")
    }
    return problems
}
