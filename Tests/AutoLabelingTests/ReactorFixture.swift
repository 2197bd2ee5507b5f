import EventLog
import Foundation
import Testing
import TestSupport
import LabelingDomain
import LabelingService
@testable import AutoLabeling

/// A real data directory: an event log, a `DatasetService`, digit images as PNG files,
/// and a reactor running in the background.
final class ReactorFixture: @unchecked Sendable {
    let directory = TemporaryDirectory()
    var log: EventLog!
    var service: DatasetService!
    var reactorTask: Task<Void, Error>?
    var reactor: AutoLabelingReactor?

    init(durability: DurabilityPolicy = .none) throws {
        try open(durability: durability)
    }

    var dataURL: URL { directory.url.appendingPathComponent("data") }

    func open(durability: DurabilityPolicy = .none) throws {
        log = try EventLog.open(directory: dataURL.appendingPathComponent("log"), configuration: .init(durability: durability))
        service = DatasetService(log: log, snapshotDirectory: dataURL.appendingPathComponent("snapshots"))
    }

    func startReactor(workers: Int = 1, batchSize: Int = 10) {
        let reactor = AutoLabelingReactor(
            log: log, service: service, dataDirectory: dataURL, configuration: .init(workers: workers, batchSize: batchSize))
        self.reactor = reactor
        reactorTask = Task { try await reactor.run() }
    }

    func stop() async {
        reactorTask?.cancel()
        _ = try? await reactorTask?.value
        reactorTask = nil
        await log.close()
    }

    func finish() async {
        await stop()
        directory.cleanup()
    }

    /// Creates a classification dataset of digit images: `labeledPerClass` labeled by a person,
    /// `unlabeledPerClass` unlabeled, classes `0..<classes`; extra files as given.
    @discardableResult
    func makeDigitsDataset(
        _ id: DatasetID, classes: Int = 3, labeledPerClass: Int = 5, unlabeledPerClass: Int = 8,
        extra: [(name: String, bytes: Data, width: UInt32, height: UInt32, channels: UInt32)] = []
    ) async throws -> [SampleID: String] {
        let digits = try BuiltInClassifierTests.digits.get()
        let colours = ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6", "#bcf60c", "#fabebe"]
        _ = try await service.execute(.createDataset(
            id: id, name: id.rawValue, typeCode: 0, labels: (0..<classes).map { LabelDefinition(name: String($0), color: colours[$0]) },
            description: "", by: "ana", at: Instant(Date())), on: id, actor: "ana")
        var samples: [NewSample] = [], truth: [SampleID: String] = [:], labeled: [SampleID] = []
        var used: [Int: Int] = [:]
        let images = directory.url.appendingPathComponent("images-\(id.rawValue)")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for (i, digit) in digits.enumerated() where digit.label < classes {
            let n = used[digit.label, default: 0]
            guard n < labeledPerClass + unlabeledPerClass else { continue }
            used[digit.label] = n + 1
            let sample = SampleID("\(id.rawValue)-\(i)")
            let url = images.appendingPathComponent("\(i).png")
            try PNGCodec.encode(pixels: digit.pixels, width: 32, height: 32, channels: 1).write(to: url)
            samples.append(NewSample(
                id: sample, name: "\(i).png", sourcePath: url.path, width: 32, height: 32, channels: 1,
                contentSHA256: String(repeating: "ab", count: 32)))
            truth[sample] = String(digit.label)
            if n < labeledPerClass { labeled.append(sample) }
        }
        for item in extra {
            let url = images.appendingPathComponent(item.name)
            try item.bytes.write(to: url)
            samples.append(NewSample(
                id: SampleID("\(id.rawValue)-\(item.name)"), name: item.name, sourcePath: url.path, width: item.width,
                height: item.height, channels: item.channels, contentSHA256: String(repeating: "cd", count: 32)))
        }
        _ = try await service.execute(.addSamples(samples, by: "ana"), on: id, actor: "ana")
        _ = try await service.execute(.updateSampleLabels(labeled.map {
            SampleLabelUpdate(sampleID: $0, labels: [ManualLabel(name: truth[$0]!)])
        }, by: "ana"), on: id, actor: "ana")
        return truth
    }

    func queue(_ dataset: DatasetID, _ task: TaskID, type: TaskType = .autoLabel, model: ModelRef? = nil) async throws {
        _ = try await service.execute(.requestAutoLabeling(
            taskID: task, type: type, algorithm: .fast, model: model, targetAccuracy: nil, by: "ana", at: Instant(Date())),
            on: dataset, actor: "ana")
    }

    /// Waits until the task's status satisfies `done`, at most `seconds`: woken by each commit
    /// to the dataset's stream (a log subscription), never by a timer.
    @discardableResult
    func waitFor(
        _ dataset: DatasetID, _ task: TaskID, seconds: Double = 60,
        until done: @escaping @Sendable (TaskStatus) -> Bool = { $0.isTerminal }
    ) async throws -> TaskRecord {
        let service = self.service!, log = self.log!
        let stream = StreamNames.dataset(dataset)
        return try await withDeadline(seconds, waitingFor: "task \(task) of \(dataset)") {
            // Subscribe from the head as it was before the state is read: no commit falls between.
            let from = log.head + 1
            if let record = try await service.state(of: dataset)?.tasks[task], done(record.status) { return record }
            for try await event in log.subscribe(from: from) where event.streamID == stream {
                if let record = try await service.state(of: dataset)?.tasks[task], done(record.status) { return record }
            }
            throw AutoLabelingError.taskNotFound(dataset: dataset.rawValue, task: "\(task) (the log closed while waiting)")
        }
    }

    /// Waits until the running reactor has read the task's terminal event (its outcome), at
    /// most `seconds`.
    func outcome(_ dataset: DatasetID, _ task: TaskID, seconds: Double = 60) async throws -> TaskOutcome {
        let reactor = try #require(self.reactor)
        return try await withDeadline(seconds, waitingFor: "the outcome of task \(task) of \(dataset)") {
            guard let outcome = await reactor.outcomes.wait(dataset: dataset, task: task) else { throw CancellationError() }
            return outcome
        }
    }

    /// The dataset's events of `task` in log order, decoded.
    func taskEvents(_ dataset: DatasetID, _ task: TaskID) throws -> [(position: UInt64, event: DomainEvent)] {
        try log.read(stream: StreamNames.dataset(dataset)).compactMap { recorded in
            let event = try DomainEvent.decode(type: recorded.type, schemaVersion: recorded.schemaVersion, payload: recorded.payload)
            return event.taskID == task ? (recorded.position, event) : nil
        }
    }
}
