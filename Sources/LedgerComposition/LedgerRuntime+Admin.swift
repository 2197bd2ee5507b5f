import DatasetInterchange
import Foundation
import LabelingDomain
import LabelingService
import Projections

/// The writes the command line sends to a running server (`labelledger import`, `labelledger
/// rebuild`): the same work the command runs when it holds the writer lock itself, reported
/// as ``AdminStreamRecord``s.
extension LedgerRuntime {
    /// Imports `source` (a manifest or folder on this machine) into `dataset`, as
    /// ``DatasetInterchange/ImportJob`` does for the command line: all or nothing unless
    /// `partial`; with `createType` the dataset is created first when missing. Every outcome,
    /// failure included, is the last record `emit` receives.
    public func importSamples(
        source: String, into dataset: DatasetID, actor: String, dryRun: Bool, partial: Bool, createType: Int?,
        labels: [String]?, emit: @escaping @Sendable (AdminStreamRecord) -> Void
    ) async {
        let job = ImportJob(
            source: URL(fileURLWithPath: source), dataset: dataset, actor: actor, dryRun: dryRun, partial: partial,
            creation: createType.map { ImportJob.Creation(typeCode: $0, labels: labels) })
        do {
            let report = try await job.run(service: service) { event in
                switch event {
                case let .progress(done, total): emit(.progress(done: done, total: total))
                case let .appending(count): emit(.appending(count: count))
                }
            }
            emit(.imported(
                accepted: report.accepted, problems: report.problems.map(Self.problem),
                firstPosition: report.append?.firstPosition, lastPosition: report.append?.lastPosition, dryRun: report.dryRun))
        } catch {
            if case let .importRefused(problems) = error {
                emit(.failed(code: error.code, message: error.message, problems: problems.map(Self.problem)))
            } else {
                emit(.failed(code: error.code, message: error.message, problems: []))
            }
        }
    }

    /// Rebuilds `kinds` while serving (``Projections/Projector/rebuild(_:progress:)``: the live
    /// generations keep answering until the new ones are swapped in).
    public func rebuildProjections(_ kinds: [ProjectionKind], emit: @escaping @Sendable (AdminStreamRecord) -> Void) async {
        do {
            let report = try await projector.rebuild(kinds) { progress in
                emit(.rebuildProgress(
                    projections: progress.projections.map(\.rawValue), applied: progress.applied, target: progress.target,
                    elapsedSeconds: progress.elapsed.totalSeconds))
            }
            emit(.rebuilt(
                projections: report.projections.map {
                    AdminStreamRecord.Rebuilt(name: $0.rawValue, codeVersion: $0.codeVersion, generation: report.generations[$0] ?? 0)
                },
                checkpoint: report.checkpoint, events: report.events, elapsedSeconds: report.elapsed.totalSeconds))
        } catch {
            emit(.failed(code: error.code, message: error.message, problems: []))
        }
    }

    static func problem(_ problem: ImportProblem) -> AdminStreamRecord.Problem {
        AdminStreamRecord.Problem(file: problem.file, line: problem.line, code: problem.code, message: problem.message)
    }
}

extension Duration {
    /// The duration in seconds.
    var totalSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
