import Foundation
import Hummingbird
import LabelingDomain
import LabelingService
import LedgerComposition
import LedgerQueries
import Projections

/// The pre-labeling model registry: `/v2/{project_id}/models`.
///
/// Models belong to a project: registered under `/v2/P/models`, listed there only, usable
/// only by pre-label tasks on P's datasets; another project may register the same name and
/// version independently. A model's command runs as the server's user, with the server's
/// rights (see `PRELABEL.md`): registering one is an admin's act.
struct ModelRoutes: Sendable {
    let support: RouteSupport

    struct RegisterRequest: Codable {
        var model_name: String
        var model_version: String
        /// 0 classification, 1 detection.
        var model_type: Int
        var command: [String]
        var timeout_seconds: UInt32?
    }
    struct ModelDTO: Codable {
        var model_id: String
        var model_name: String
        var model_version: String
        var model_type: Int
        var command: [String]
        var timeout_seconds: UInt32
    }
    struct ModelList: ResponseEncodable { var models: [ModelDTO] }

    func register(on group: RouterGroup<LedgerRequestContext>) {
        group.get("models", use: list)
        group.post("models", use: create)
    }

    @Sendable func list(_ request: Request, context: LedgerRequestContext) async throws -> ModelList {
        let project = try context.parameters.require("project_id")
        _ = try context.require(.labeler, project: project)
        // From the projections (settled): listing never loads the registry's aggregate.
        try await support.runtime.settle(support.runtime.queries.head)
        let models: [ModelView]
        do { models = try await support.runtime.queries.models(project: project) } catch { throw APIError(error) }
        return ModelList(models: models.map {
            ModelDTO(model_id: "\($0.ref.name):\($0.ref.version)", model_name: $0.ref.name, model_version: $0.ref.version,
                     model_type: $0.type.rawValue, command: $0.commandLine, timeout_seconds: $0.timeoutSeconds)
        })
    }

    @Sendable func create(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let project = try context.parameters.require("project_id")
        let identity = try context.require(.admin, project: project)
        let body = try await support.decode(RegisterRequest.self, from: request)
        guard let type = LabelingType(rawValue: body.model_type) else { throw APIError.badRequest("model_type must be 0 or 1") }
        return try await support.once(request, identity: identity, status: .created) { commandID in
            try await support.service.execute(
                .registerModel(ModelRef(name: body.model_name, version: body.model_version), type: type, commandLine: body.command,
                               timeoutSeconds: body.timeout_seconds ?? 600, by: identity.name, at: .now),
                project: project, actor: identity.name, commandID: commandID)
            return (["model_id": "\(body.model_name):\(body.model_version)"], nil)
        }
    }
}
