import EventLog
import Foundation
import LabelingDomain
import LabelingService

extension ProjectionQueries {
    /// Answers reads of `dataset` as it was at `position` with the live projection's own
    /// queries and writers: the dataset's stream up to `position` is applied by the datasets
    /// projection's applier into a scratch generation under `scratch`, `body` reads it, and
    /// the scratch is removed. So a tab page or the stats as of a position have exactly the
    /// shape, filters and paging of the live ones (as of the head they are equal).
    ///
    /// Cost: O(events of the dataset's stream) per call, and disk for its rows while `body`
    /// runs; nothing of the live projections is touched.
    /// - Returns: nil when the dataset had no event at or before `position`.
    /// - Throws: ``ProjectionError/positionBeyondHead(position:head:)``, or what the stream's
    ///   reading, applying or `body` throws.
    /// Events applied per transaction while an as-of scratch is built.
    static let asOfBatch = 1_000

    public func asOf<T>(
        _ dataset: DatasetID, log: EventReader, upTo position: UInt64, scratch: URL,
        _ body: (ProjectionQueries) throws(ProjectionError) -> T
    ) throws(ProjectionError) -> T? {
        let head = log.head
        guard position <= head else { throw .positionBeyondHead(position: position, head: head) }
        let directory = scratch.appendingPathComponent("as-of-\(UUID().uuidString.lowercased())", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(path: directory.path, reason: "\(error)")
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let generation = try ProjectionGeneration.open(kind: .datasets, number: 1, directory: directory, create: true, bulk: true)
        defer { try? generation.pool.close() }
        var batch: [Projector.Decoded] = []
        var applied = 0
        var failure: ProjectionError?
        do throws(ServiceError) {
            try DatasetStream.forEach(in: log, stream: StreamNames.dataset(dataset), upTo: position) {
                recorded, event throws(ServiceError) in
                guard failure == nil else { return }
                batch.append((recorded, event))
                applied += 1
                if batch.count == Self.asOfBatch {
                    do throws(ProjectionError) { try Projector.apply(batch, to: generation) } catch { failure = error }
                    batch.removeAll(keepingCapacity: true)
                }
            }
        } catch {
            if case let .undecodableEvent(position, type, reason) = error {
                throw .undecodableEvent(position: position, type: type, reason: reason)
            }
            throw .log(reason: error.message)
        }
        if let failure { throw failure }
        try Projector.apply(batch, to: generation)
        // Built like a rebuild's shadow: the query indexes after the rows.
        try generation.createQueryIndexes()
        guard applied > 0 else { return nil }
        return try body(ProjectionQueries(store: store, pinned: [.datasets: generation]))
    }
}
