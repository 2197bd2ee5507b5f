import Foundation
import Hummingbird
import LabelingDomain
import LabelingService
import LedgerComposition
import LedgerQueries
import Projections

/// Datasets, labels and stats: `/v2/{project_id}/datasets…`.
struct DatasetRoutes: Sendable {
    let support: RouteSupport
    /// The project lists of `GET …/datasets`, by project and log head.
    let listCache = DatasetListCache()

    func register(on group: RouterGroup<LedgerRequestContext>) {
        group.post("datasets", use: create)
        group.get("datasets", use: list)
        group.get("datasets/:dataset_id", use: get)
        group.delete("datasets/:dataset_id", use: delete)
        group.get("datasets/:dataset_id/data-annotations/stats", use: stats)
        group.get("datasets/:dataset_id/data-annotations/labels", use: labels)
        group.post("datasets/:dataset_id/data-annotations/labels", use: addLabels)
        group.put("datasets/:dataset_id/data-annotations/labels", use: renameLabels)
        group.delete("datasets/:dataset_id/data-annotations/labels/:label_name", use: deleteLabel)
    }

    @Sendable func create(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let project = try context.parameters.require("project_id")
        let identity = try context.require(.admin, project: project)
        let body = try await support.decode(CreateDatasetRequest.self, from: request)
        return try await support.once(request, identity: identity, status: .created) { commandID in
            let (id, hex) = NewIdentifiers.dataset(inProject: project)
            let outcome = try await support.execute(
                .createDataset(
                    id: id, name: body.dataset_name, typeCode: body.dataset_type,
                    labels: LabelDTO.definitions(body.labels ?? [], existing: []),
                    description: body.description ?? "", by: identity.name, at: .now),
                on: id, identity: identity, commandID: commandID, ifMatch: nil)
            return (CreateDatasetResponse(dataset_id: hex), outcome.version)
        }
    }

    /// The project's datasets, from the datasets projection (no dataset's state is loaded),
    /// written by hand (``WireWriter/datasetList(_:position:)``) once per project and log
    /// head (``DatasetListCache``): requests between two appends share one answer.
    @Sendable func list(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let project = try context.parameters.require("project_id")
        _ = try context.require(.labeler, project: project)
        let runtime = support.runtime
        let (_, body) = try await listCache.answer(project: project, head: runtime.queries.head) { head in
            try await runtime.settle(head)
            let datasets: [DatasetOverview]
            do throws(QueryError) { datasets = try await runtime.queries.datasets(inProject: project) } catch { throw APIError(error) }
            var out = WireWriter(capacity: 1024 * max(datasets.count, 1))
            out.datasetList(datasets, position: head)
            return out.buffer
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }

    /// `as_of_position` / `as_of_time` (ISO 8601) show the dataset as it was then.
    @Sendable func get(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, _) = try support.datasetID(context)
        let body: DatasetResponse
        if let position = try await support.asOfPosition(request) {
            let then: DatasetAtPosition
            do {
                then = try await support.runtime.queries.dataset(dataset, asOf: position)
            } catch .datasetNotFound {
                throw APIError.notFound("dataset '\(RouteSupport.publicID(dataset))' at position \(position)")
            } catch {
                throw APIError(error)
            }
            // After its deletion a dataset has nothing left to show; an earlier position has.
            guard then.state.exists else {
                throw APIError.notFound("dataset '\(RouteSupport.publicID(dataset))' at position \(position)")
            }
            body = Self.response(DatasetInfo(then.state), position: position)
        } else {
            let head = support.runtime.queries.head
            body = Self.response(try await support.overview(dataset), position: head)
        }
        var response = try body.response(from: request, context: context)
        response.headers[.eTag] = "\"\(body.version)\""
        return response
    }

    /// Deletes the dataset (admin): a `DatasetDeleted` event. Afterwards the dataset and
    /// everything under it answer 404 (`LabelLedger.1046`) and the list leaves it out;
    /// `as_of_position` before the deletion still shows it, and its history stays in the
    /// log and the audit index. 409 (`LabelLedger.1047`) while an auto-labeling task is
    /// queued or running: stop it first.
    @Sendable func delete(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context, role: .admin)
        let ifMatch = try await support.checkIfMatch(request, dataset: dataset, identity: identity)
        return try await support.once(request, identity: identity) { commandID in
            let outcome = try await support.execute(
                .deleteDataset(by: identity.name, at: .now), on: dataset, identity: identity, commandID: commandID,
                ifMatch: ifMatch)
            return (VersionResponse(success: true, version: outcome.version), outcome.version)
        }
    }

    static func response(_ info: DatasetInfo, position: UInt64) -> DatasetResponse {
        DatasetResponse(
            dataset_id: RouteSupport.publicID(info.id), dataset_name: info.name, dataset_type: info.type.rawValue,
            description: info.description,
            labels: info.labels.map { LabelDTO(name: $0.name, type: info.type.rawValue, color: $0.color) },
            sample_stats: SampleStatsDTO(info.summary.sampleStats), version: info.version, position: position)
    }

    static func response(_ overview: DatasetOverview, position: UInt64) -> DatasetResponse {
        DatasetResponse(
            dataset_id: RouteSupport.publicID(overview.dataset), dataset_name: overview.name,
            dataset_type: overview.type.rawValue, description: overview.description,
            labels: overview.labels.map { LabelDTO(name: $0.name, type: overview.type.rawValue, color: $0.color) },
            sample_stats: SampleStatsDTO(overview.sampleStats), version: overview.version, position: position)
    }

    /// `as_of_position` / `as_of_time` give the statistics as they were then.
    @Sendable func stats(_ request: Request, context: LedgerRequestContext) async throws -> StatsResponse {
        let (dataset, _) = try support.datasetID(context)
        let position = try await support.asOfPosition(request)
        if position == nil { try await support.runtime.settle(support.runtime.queries.head) }
        let stats = try await support.projected(dataset) { queries throws(QueryError) in
            try await queries.stats(of: dataset, asOf: position)
        }
        return StatsResponse(stats, labelType: stats.type.rawValue)
    }

    struct LabelsResponse: ResponseEncodable { var labels: [LabelDTO] }
    struct LabelsRequest: Codable { var labels: [LabelDTO] }
    struct RenameRequest: Codable {
        struct Item: Codable { var name: String; var new_name: String }
        var labels: [Item]
    }
    struct VersionResponse: ResponseEncodable { var success: Bool; var version: UInt64 }

    @Sendable func labels(_ request: Request, context: LedgerRequestContext) async throws -> LabelsResponse {
        let (dataset, _) = try support.datasetID(context)
        let overview = try await support.overview(dataset)
        return LabelsResponse(labels: overview.labels.map { LabelDTO(name: $0.name, type: overview.type.rawValue, color: $0.color) })
    }

    @Sendable func addLabels(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context, role: .admin)
        let body = try await support.decode(LabelsRequest.self, from: request)
        let ifMatch = try await support.checkIfMatch(request, dataset: dataset, identity: identity)
        return try await support.once(request, identity: identity, status: .created) { commandID in
            // Default colours skip the ones the dataset's labels use.
            let existing = try await support.info(dataset).labels
            let outcome = try await support.execute(
                .addLabels(LabelDTO.definitions(body.labels, existing: existing), by: identity.name),
                on: dataset, identity: identity, commandID: commandID, ifMatch: ifMatch)
            return (VersionResponse(success: true, version: outcome.version), outcome.version)
        }
    }

    @Sendable func renameLabels(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context, role: .admin)
        let body = try await support.decode(RenameRequest.self, from: request)
        guard !body.labels.isEmpty else { throw APIError.badRequest("labels must not be empty") }
        // Each rename is its own command: bounded by the most labels a dataset can have.
        guard body.labels.count <= LabelDefinition.maximumPerDataset else {
            throw APIError(
                .contentTooLarge, code: "LabelLedger.API.4325",
                "the request renames \(body.labels.count) labels; at most \(LabelDefinition.maximumPerDataset), the most a dataset has")
        }
        let ifMatch = try await support.checkIfMatch(request, dataset: dataset, identity: identity)
        return try await support.once(request, identity: identity) { commandID in
            var version: UInt64 = 0
            for (index, item) in body.labels.enumerated() {
                // If-Match holds for the first rename; each next one follows the one before.
                let outcome = try await support.execute(
                    .renameLabel(from: item.name, to: item.new_name, by: identity.name), on: dataset, identity: identity,
                    commandID: commandID.map { "\($0)#\(index)" }, ifMatch: index == 0 ? ifMatch : ifMatch.map { _ in version })
                version = outcome.version
            }
            return (VersionResponse(success: true, version: version), version)
        }
    }

    /// `delete_policy=1` also removes the label from every sample carrying it.
    @Sendable func deleteLabel(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context, role: .admin)
        let name = try context.parameters.require("label_name")
        let strip = request.uri.queryParameters["delete_policy"] == "1"
        let ifMatch = try await support.checkIfMatch(request, dataset: dataset, identity: identity)
        return try await support.once(request, identity: identity) { commandID in
            let outcome = try await support.execute(
                .deleteLabel(name: name.removingPercentEncoding ?? name, stripFromSamples: strip, by: identity.name),
                on: dataset, identity: identity, commandID: commandID, ifMatch: ifMatch)
            return (VersionResponse(success: true, version: outcome.version), outcome.version)
        }
    }
}
