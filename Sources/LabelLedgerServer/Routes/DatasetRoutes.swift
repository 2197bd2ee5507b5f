import DatasetInterchange
import EventLog
import Foundation
import Hummingbird
import LabelingDomain
import LabelingService
import Projections

/// Datasets, labels and stats: `/v2/{project_id}/datasets…`.
struct DatasetRoutes: Sendable {
    let support: RouteSupport

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
            let hex = UUID.random().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            let id = DatasetID("\(project)/\(hex)")
            let outcome = try await support.execute(
                .createDataset(
                    id: id, name: body.dataset_name, typeCode: body.dataset_type,
                    labels: LabelDTO.definitions(body.labels ?? [], existing: []),
                    description: body.description ?? "", by: identity.name, at: .now),
                on: id, identity: identity, commandID: commandID, ifMatch: nil)
            return (CreateDatasetResponse(dataset_id: String(hex)), outcome.version)
        }
    }

    @Sendable func list(_ request: Request, context: LedgerRequestContext) async throws -> DatasetListResponse {
        let project = try context.parameters.require("project_id")
        _ = try context.require(.labeler, project: project)
        let ids = try support.runtime.queries.datasetIDs().filter { $0.rawValue.hasPrefix(project + "/") }
        var datasets: [DatasetResponse] = []
        for id in ids.sorted(by: { $0.rawValue < $1.rawValue }) {
            if let info = try await support.service.info(of: id), info.deletion == nil {
                datasets.append(Self.response(info, position: support.runtime.log.head))
            }
        }
        return DatasetListResponse(datasets: datasets, total_number: datasets.count)
    }

    /// `as_of_position` / `as_of_time` (ISO 8601) show the dataset as it was then.
    @Sendable func get(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, _) = try support.datasetID(context)
        let query = request.uri.queryParameters
        var position: UInt64?
        if let raw = query["as_of_position"] {
            guard let value = UInt64(raw) else { throw APIError.badRequest("as_of_position must be a log position") }
            position = value
        } else if let raw = query["as_of_time"] {
            guard let date = ISO8601DateFormatter().date(from: String(raw)) else {
                throw APIError.badRequest("as_of_time must be ISO 8601, e.g. 2026-11-24T08:00:00Z")
            }
            position = try support.runtime.log.position(at: date)
        }
        let body: DatasetResponse
        if let position {
            guard position <= support.runtime.log.head else {
                throw APIError.badRequest("as_of_position \(position) is beyond the log head \(support.runtime.log.head)")
            }
            do {
                let then = try DatasetAtPosition.replay(dataset, log: support.runtime.log, upTo: position)
                body = Self.response(DatasetInfo(then.state), position: position)
            } catch {
                if case .datasetNotFound = error { throw APIError.notFound("dataset '\(RouteSupport.publicID(dataset))' at position \(position)") }
                if case let .service(failure) = error { throw APIError(failure) }
                throw APIError(.internalServerError, code: error.code, error.message)
            }
        } else {
            body = Self.response(try await support.info(dataset), position: support.runtime.log.head)
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

    @Sendable func stats(_ request: Request, context: LedgerRequestContext) async throws -> StatsResponse {
        let (dataset, _) = try support.datasetID(context)
        let state = try await support.info(dataset)
        try await support.runtime.settle(support.runtime.log.head)
        return StatsResponse(try support.runtime.queries.stats(of: dataset), labelType: state.type.rawValue)
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
        let state = try await support.info(dataset)
        return LabelsResponse(labels: state.labels.map { LabelDTO(name: $0.name, type: state.type.rawValue, color: $0.color) })
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
