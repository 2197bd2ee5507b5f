import Foundation
import Hummingbird
import LabelingDomain
import LabelingService
import LedgerComposition
import LedgerQueries
import Projections

/// Auto-labeling tasks: start, progress, history, stop; and the dataset's continuous mode.
struct TaskRoutes: Sendable {
    let support: RouteSupport

    func register(on group: RouterGroup<LedgerRequestContext>) {
        group.post("datasets/:dataset_id/tasks", use: start)
        group.get("datasets/:dataset_id/tasks", use: list)
        group.get("datasets/:dataset_id/tasks/:task_id", use: get)
        group.post("datasets/:dataset_id/tasks/:task_id/stop", use: stop)
        group.get("datasets/:dataset_id/auto-annotations/continuous", use: continuousSetting)
        group.put("datasets/:dataset_id/auto-annotations/continuous", use: configureContinuous)
    }

    // MARK: - Continuous mode

    @Sendable func continuousSetting(_ request: Request, context: LedgerRequestContext) async throws -> ContinuousAutoLabelingResponse {
        let (dataset, _) = try support.datasetID(context)
        _ = try await support.overview(dataset)
        return ContinuousAutoLabelingResponse(try await continuousSetting(dataset))
    }

    /// The setting as the projections hold it (settled by the caller): a read never loads the
    /// dataset's aggregate.
    private func continuousSetting(_ dataset: DatasetID) async throws -> ContinuousAutoLabelingConfigured? {
        do { return try await support.runtime.queries.continuousSetting(of: dataset) } catch { throw APIError(error) }
    }

    /// Sets the dataset's continuous mode (a `ContinuousAutoLabelingConfigured` event); the
    /// reactor reads it on every labeling event of the dataset.
    @Sendable func configureContinuous(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context, role: .reviewer)
        let body = try await support.decode(ContinuousAutoLabelingRequest.self, from: request)
        let algorithm: AutoLabelAlgorithm
        switch body.algorithm_type ?? "accurate" {
        case "fast": algorithm = .fast
        case "accurate": algorithm = .accurate
        default: throw APIError.badRequest("algorithm_type must be fast or accurate")
        }
        let ifMatch = try await support.checkIfMatch(request, dataset: dataset, identity: identity)
        return try await support.once(request, identity: identity) { commandID in
            let outcome = try await support.execute(
                .configureContinuousAutoLabeling(
                    newSamples: body.new_sample_threshold, algorithm: algorithm, by: identity.name, at: .now),
                on: dataset, identity: identity, commandID: commandID, ifMatch: ifMatch)
            // `execute` waited for the projections to include the command.
            return (ContinuousAutoLabelingResponse(try await continuousSetting(dataset)), outcome.version)
        }
    }

    @Sendable func start(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context, role: .reviewer)
        let body = try await support.decode(StartTaskRequest.self, from: request)
        let type: TaskType
        switch body.task_type {
        case "auto-label": type = .autoLabel
        case "pre-label": type = .preLabel
        default: throw APIError.badRequest("task_type must be auto-label or pre-label")
        }
        let algorithm: AutoLabelAlgorithm
        switch body.config?.algorithm_type ?? "fast" {
        case "fast": algorithm = .fast
        case "accurate": algorithm = .accurate
        default: throw APIError.badRequest("config.algorithm_type must be fast or accurate")
        }
        let model: ModelRef? = try body.model_id.map { id in
            guard let colon = id.firstIndex(of: ":") else { throw APIError.badRequest("model_id must be name:version") }
            return ModelRef(name: String(id[..<colon]), version: String(id[id.index(after: colon)...]))
        }
        let ifMatch = try await support.checkIfMatch(request, dataset: dataset, identity: identity)
        return try await support.once(request, identity: identity) { commandID in
            let task = NewIdentifiers.task()
            let outcome = try await support.execute(
                .requestAutoLabeling(
                    taskID: task, type: type, algorithm: algorithm, model: model, targetAccuracy: body.config?.target_accuracy,
                    by: identity.name, at: .now),
                on: dataset, identity: identity, commandID: commandID, ifMatch: ifMatch)
            return (TaskIDResponse(task_id: task.rawValue), outcome.version)
        }
    }

    @Sendable func list(_ request: Request, context: LedgerRequestContext) async throws -> TaskListResponse {
        let (dataset, _) = try support.datasetID(context)
        _ = try await support.overview(dataset)
        let query = request.uri.queryParameters
        var type: TaskType?
        if let raw = query["type"] {
            switch raw {
            case "auto-label": type = .autoLabel
            case "pre-label": type = .preLabel
            default: throw APIError.badRequest("type must be auto-label or pre-label")
            }
        }
        let offset = try query["offset"].map { guard let v = Int($0) else { throw APIError.badRequest("offset must be an integer") }; return v } ?? 0
        let limit = try query["limit"].map { guard let v = Int($0) else { throw APIError.badRequest("limit must be an integer") }; return v } ?? 100
        let (list, skipped) = try await support.projected(dataset) { queries throws(QueryError) in
            let list = try await queries.tasks(of: dataset, type: type, offset: offset, limit: limit)
            return (list, try await queries.skippedSamples(of: dataset, tasks: list.tasks.map(\.id)))
        }
        return TaskListResponse(tasks: list.tasks.map { TaskDTO($0, skipped: skipped[$0.id]) }, total_count: list.totalCount)
    }

    @Sendable func get(_ request: Request, context: LedgerRequestContext) async throws -> TaskDTO {
        let (dataset, _) = try support.datasetID(context)
        _ = try await support.overview(dataset)
        let id = try context.parameters.require("task_id")
        let found = try await support.projected(dataset) { queries throws(QueryError) -> (TaskView, [SkippedSample]?)? in
            guard let task = try await queries.task(TaskID(id), of: dataset) else { return nil }
            return (task, try await queries.skippedSamples(of: dataset, tasks: [task.id])[task.id])
        }
        guard let (task, skipped) = found else { throw APIError.notFound("task '\(id)'") }
        return TaskDTO(task, skipped: skipped)
    }

    struct StopResponse: ResponseEncodable { var task_id: String; var status: Int }

    @Sendable func stop(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context, role: .reviewer)
        let id = TaskID(try context.parameters.require("task_id"))
        _ = try await support.info(dataset)
        return try await support.once(request, identity: identity) { commandID in
            let outcome = try await support.execute(.requestStop(id, by: identity.name, at: .now), on: dataset, identity: identity, commandID: commandID, ifMatch: nil)
            return (StopResponse(task_id: id.rawValue, status: TaskStatus.stopping.rawValue), outcome.version)
        }
    }
}
