import Foundation
import Hummingbird
import LabelingDomain
import LedgerComposition
import LedgerQueries
import Projections

/// The audit trail of a dataset, filtered by actor and time.
struct HistoryRoutes: Sendable {
    let support: RouteSupport

    func register(on group: RouterGroup<LedgerRequestContext>) {
        group.get("datasets/:dataset_id/history", use: datasetHistory)
    }

    static func entry(_ e: HistoryEntry) -> SampleRoutes.HistoryResponse.Entry {
        .init(
            position: e.position, time: WireWriter.time(e.recordedAt), actor: e.actor, event: e.type,
            change: e.sample?.change ?? e.summary, before: e.sample?.before, after: e.sample?.after, command_id: e.commandID,
            labeler: e.sample?.labeler?.name)
    }

    @Sendable func datasetHistory(_ request: Request, context: LedgerRequestContext) async throws -> SampleRoutes.HistoryResponse {
        let (dataset, _) = try support.datasetID(context)
        _ = try await support.overview(dataset)
        let query = request.uri.queryParameters
        func date(_ key: String) throws -> Date? {
            guard let raw = query[key[...]] else { return nil }
            guard let value = WireWriter.parseTime(raw) else { throw APIError.badRequest("\(key) must be ISO 8601") }
            return value
        }
        let limit = try query["limit"].map { guard let v = Int($0), (1...10_000).contains(v) else { throw APIError.badRequest("limit must be 1…10000") }; return v } ?? 1000
        let history = HistoryQuery(.dataset(dataset), since: try date("since"), until: try date("until"), limit: limit)
        var entries = try await support.projected(dataset) { queries throws(QueryError) in try await queries.history(history) }
        if let actor = query["actor"] { entries = entries.filter { $0.actor == actor } }
        return .init(entries: entries.map(Self.entry))
    }
}
