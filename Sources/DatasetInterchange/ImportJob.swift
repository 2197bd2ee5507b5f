import Foundation
import LabelingDomain
import LabelingService

/// One `labelledger import`, whoever runs it: the command line holding the writer lock, or
/// a running server on its behalf (the command line then only shows what it reports).
///
/// Invariants: the same job gives the same report and the same events whichever process runs
/// it; with ``creation`` the dataset is created first only when it does not exist (its labels:
/// the given ones, or every label the source uses, with ``LabelPalette`` colours); the import
/// itself is ``DatasetImporter``'s (all or nothing unless `partial`).
public struct ImportJob: Sendable {
    /// How to create the dataset when it does not exist yet.
    public struct Creation: Sendable, Equatable {
        /// 0 classification, 1 detection.
        public var typeCode: Int
        /// The label set; nil: the labels the source uses, sorted.
        public var labels: [String]?

        public init(typeCode: Int, labels: [String]?) {
            self.typeCode = typeCode
            self.labels = labels
        }
    }

    /// What a job says while it runs, in order.
    public enum Event: Sendable, Equatable {
        /// Images read so far of the source's entries.
        case progress(done: Int, total: Int)
        /// The samples about to be appended in one atomic commit group.
        case appending(count: Int)
    }

    public var source: URL
    public var dataset: DatasetID
    public var actor: String
    public var dryRun: Bool
    public var partial: Bool
    public var creation: Creation?

    public init(source: URL, dataset: DatasetID, actor: String, dryRun: Bool, partial: Bool, creation: Creation?) {
        self.source = source.standardizedFileURL
        self.dataset = dataset
        self.actor = actor
        self.dryRun = dryRun
        self.partial = partial
        self.creation = creation
    }

    /// Runs the job against `service`, reporting ``Event``s to `events`.
    public func run(service: DatasetService, events: @escaping @Sendable (Event) -> Void) async throws(InterchangeError)
        -> ImportReport
    {
        if let creation {
            do {
                if try await service.state(of: dataset) == nil {
                    var names = creation.labels ?? []
                    if creation.labels == nil {
                        // Reading the source is file work: off the cooperative pool.
                        let source = source
                        names = try await OffPool.run { () throws(InterchangeError) in
                            Array(Set(try DatasetImporter.read(source).entries.flatMap { $0.labels.map(\.name) })).sorted()
                        }
                    }
                    let colours = LabelPalette.defaults(count: names.count, existing: [])
                    _ = try await service.execute(
                        .createDataset(
                            id: dataset, name: dataset.publicID, typeCode: creation.typeCode,
                            labels: zip(names, colours).map { LabelDefinition(name: $0, color: $1) },
                            description: "imported from \(source.lastPathComponent)", by: actor, at: Instant(Date())),
                        on: dataset, actor: actor)
                }
            } catch let error as InterchangeError {
                throw error
            } catch {
                throw .service(error as? ServiceError ?? .log(.failed(reason: "\(error)")))
            }
        }
        return try await DatasetImporter(service: service).run(
            source: source, into: dataset, actor: actor, dryRun: dryRun, partial: partial,
            progress: { events(.progress(done: $0, total: $1)) }, appending: { events(.appending(count: $0)) })
    }
}
