import EventLog
import Foundation
import LabelingDomain
import LabelingService

/// The outcome of checking (and perhaps writing) an import.
public struct ImportReport: Sendable {
    /// Samples that passed every check (and were written, unless a dry run).
    public var accepted: Int
    /// Every problem, with its file and line, in source order.
    public var problems: [ImportProblem]
    /// Where the samples were appended; nil for a dry run or when nothing was written.
    public var append: AppendResult?
    public var dryRun: Bool
}

/// Imports samples and their labels from a ModelArts manifest or an image folder into a
/// dataset: one `addSamples` command, whose `SamplesAdded` events (as many as its size
/// needs, see `SamplesAdded.chunks`) are appended as one atomic commit group.
///
/// Invariants:
/// - Every problem is found and reported with its file and line: unreadable or bad JSON,
///   unreadable image, unknown label, box outside the image, duplicate sample, …
/// - A real import is all or nothing (one append: a commit group, durable and visible
///   whole or not at all, also across a crash — see the log's FORMAT.md), at any size,
///   unless `partial`: then the good samples are written and the rest reported.
/// - Memory: the manifest is streamed line by line; what stays in memory is one entry and
///   one `NewSample` per sample, then the command's events and their frames while they
///   are appended — proportional to the import (a few hundred bytes to a few KB per sample,
///   more with many boxes), never to the manifest file's size on top.
/// - Provenance is kept: machine labels (`annotated-by` other than human) keep their
///   confidence and annotator and land in To Be Confirmed; `hard`, `hard-coefficient`
///   and `creation-time` are carried in the event.
public struct DatasetImporter: Sendable {
    public let service: DatasetService

    public init(service: DatasetService) {
        self.service = service
    }

    /// Reads a manifest file or a folder.
    public static func read(_ source: URL) throws(InterchangeError) -> (entries: [ImportEntry], problems: [ImportProblem]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory) else {
            throw .sourceNotFound(path: source.path)
        }
        return isDirectory.boolValue ? FolderReader.read(source) : ManifestReader.read(source)
    }

    /// Checks everything and, unless `dryRun`, appends the samples.
    ///
    /// Reading the source, probing (and hashing) every image and deciding the samples
    /// against the dataset run off the cooperative thread pool (``LabelingService/OffPool``):
    /// an import of any size holds none of the pool's threads while it reads files or
    /// decides, so the process's other tasks (a server's handlers) keep running.
    /// - Parameters:
    ///   - progress: called with (entries done, total) while images are read.
    ///   - appending: called with the number of samples just before they are appended.
    public func run(
        source: URL, into dataset: DatasetID, actor: String, dryRun: Bool, partial: Bool, commandID: String? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil, appending: (@Sendable (Int) -> Void)? = nil
    ) async throws(InterchangeError) -> ImportReport {
        let (entries, readProblems) = try await OffPool.run { () throws(InterchangeError) in try Self.read(source) }
        let state: DatasetState
        do {
            guard let current = try await service.state(of: dataset) else { throw InterchangeError.datasetNotFound(dataset.rawValue) }
            state = current
        } catch let error as InterchangeError {
            throw error
        } catch {
            throw .service(error as? ServiceError ?? .log(.failed(reason: "\(error)")))
        }
        let checked = await OffPool.run {
            Self.check(entries, problems: readProblems, source: source, into: dataset, state: state, actor: actor, progress: progress)
        }
        let (accepted, problems) = (checked.accepted, checked.problems)
        if dryRun || accepted.isEmpty || (!problems.isEmpty && !partial) {
            if !dryRun, !problems.isEmpty, !partial { throw .importRefused(problems) }
            return ImportReport(accepted: accepted.count, problems: problems, append: nil, dryRun: dryRun)
        }
        appending?(accepted.count)
        do {
            let outcome = try await service.execute(
                .addSamples(accepted, by: actor), on: dataset, actor: actor, commandID: commandID, allOrNothing: true)
            if let failure = outcome.decision.results.first(where: { !$0.success }), let error = failure.error {
                // The dataset changed between the check and the write.
                let entry = checked.origins[failure.sampleID]
                throw InterchangeError.importRefused(problems + [ImportProblem(
                    file: entry?.file ?? source.path, line: entry?.line ?? 0, code: error.code, message: error.message)])
            }
            return ImportReport(accepted: accepted.count, problems: problems, append: outcome.append, dryRun: false)
        } catch let error as InterchangeError {
            throw error
        } catch {
            throw .service(error as? ServiceError ?? .log(.failed(reason: "\(error)")))
        }
    }

    /// What checking an import's entries found: the samples to append, every problem (in
    /// file and line order) and where each sample came from.
    struct Checked: Sendable {
        var accepted: [NewSample]
        var problems: [ImportProblem]
        var origins: [SampleID: ImportOrigin]
    }

    /// A sample's file and line in the source, for problems the domain finds.
    struct ImportOrigin: Sendable {
        var file: String
        var line: Int
    }

    /// Probes every entry's image and decides the samples against `state` (blocking: file
    /// reads and hashing, then the domain's decision; run it off the pool).
    static func check(
        _ entries: [ImportEntry], problems readProblems: [ImportProblem], source: URL, into dataset: DatasetID,
        state: DatasetState, actor: String, progress: (@Sendable (Int, Int) -> Void)?
    ) -> Checked {
        var problems = readProblems
        var samples: [NewSample] = []
        var origins: [SampleID: ImportOrigin] = [:]
        var seenSources: [String: ImportOrigin] = [:]
        for (index, entry) in entries.enumerated() {
            progress?(index + 1, entries.count)
            func problem(_ code: String, _ message: String) {
                problems.append(ImportProblem(file: entry.file, line: entry.line, code: code, message: message))
            }
            if let first = seenSources[entry.source.path] {
                problem("LabelLedger.Import.011", "duplicate sample: \(entry.source.lastPathComponent) is already imported at \(first.file)\(first.line > 0 ? ":\(first.line)" : "")")
                continue
            }
            seenSources[entry.source.path] = ImportOrigin(file: entry.file, line: entry.line)
            let image: SampleIntake.Image
            do {
                image = try SampleIntake.probe(fileAt: entry.source)
            } catch {
                problem("LabelLedger.Import.012", "unreadable image \(entry.source.path) (\(error.message))")
                continue
            }
            let sample = newSample(entry, dataset: dataset, image: image, actor: actor)
            origins[sample.id] = ImportOrigin(file: entry.file, line: entry.line)
            samples.append(sample)
        }
        // The domain's own rules (labels, boxes inside the image, duplicate names/ids, …),
        // decided against the dataset as it is now.
        var accepted = samples
        if !samples.isEmpty {
            do {
                let decision = try decide(.addSamples(samples, by: actor), state: state)
                let failed = Dictionary(decision.results.compactMap { r in r.error.map { (r.sampleID, $0) } }, uniquingKeysWith: { a, _ in a })
                for sample in samples {
                    guard let error = failed[sample.id], let entry = origins[sample.id] else { continue }
                    problems.append(ImportProblem(file: entry.file, line: entry.line, code: error.code, message: error.message))
                }
                accepted = samples.filter { failed[$0.id] == nil }
            } catch {
                problems.append(ImportProblem(file: source.path, line: 0, code: error.code, message: error.message))
                accepted = []
            }
        }
        problems.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        return Checked(accepted: accepted, problems: problems, origins: origins)
    }

    /// The sample for `entry`: its manifest `id` if it has one, otherwise the id
    /// ``SampleIntake/sampleID(dataset:name:)`` gives its name, as through the API.
    static func newSample(_ entry: ImportEntry, dataset: DatasetID, image: SampleIntake.Image, actor: String) -> NewSample {
        var human: [SampleLabel] = []
        var machine: [SampleLabel] = []
        for label in entry.labels {
            if label.isHuman {
                human.append(SampleLabel(name: label.name, box: label.box, score: label.confidence, annotator: .human(actor)))
            } else {
                machine.append(SampleLabel(
                    name: label.name, box: label.box, score: label.confidence,
                    annotator: Annotator(manifestName: label.annotatedBy, importedBy: actor)))
            }
        }
        var hardMark: HardMark?
        if entry.hard == true {
            hardMark = HardMark(
                reasons: entry.hardReasons.compactMap { HardReason(rawValue: $0) },
                coefficient: entry.hardCoefficient ?? 1, origin: .person(actor))
        }
        return SampleIntake.sample(
            dataset: dataset, name: entry.name, id: entry.sampleID.map { SampleID($0) }, image: image, usage: entry.usage,
            // Human labels win; machine labels alone make the sample To Be Confirmed.
            labels: human, predictions: human.isEmpty ? machine : [],
            hardMark: hardMark, labelsCreatedAt: entry.creationTime.map { Instant($0) })
    }
}

extension Annotator {
    /// The annotator a manifest's `annotated-by` names, in the product's one vocabulary
    /// (``LabelingDomain/Labeler``), as the import by `actor` records it:
    /// - `human` (or nothing) is the importing person: `person:<actor>`;
    /// - `modelarts/active-learning`, ModelArts' spelling for its active learning, is
    ///   `active-learning` (the task that made it is not in this log: its id is
    ///   ``importedVersion``);
    /// - any other spelling is the machine it names: `model:<annotated-by>:imported`.
    ///
    /// Invariant: ``manifestName`` of the result is `name` again (`human` for nothing), so an
    /// export writes back the spelling the manifest was imported with.
    public init(manifestName name: String, importedBy actor: String) {
        switch name {
        case "human", "": self = .human(actor)
        case Self.modelArtsActiveLearning: self = .activeLearning(TaskID(Self.importedVersion))
        default: self = .preLabelModel(name: name, version: Self.importedVersion)
        }
    }

    /// ModelArts' `annotated-by` for labels its active learning made.
    public static let modelArtsActiveLearning = "modelarts/active-learning"

    /// The manifest's `annotated-by` for this annotator.
    public var manifestName: String {
        switch self {
        case .human: "human"
        case .activeLearning: Self.modelArtsActiveLearning
        case let .preLabelModel(name, version): version == Self.importedVersion ? name : "\(name):\(version)"
        }
    }
}
