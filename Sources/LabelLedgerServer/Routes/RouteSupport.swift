import Foundation
import Hummingbird
import Metrics
import LabelingDomain
import LabelingService
import Projections

/// What every route needs: the runtime, body decoding with a size limit, dataset ids
/// scoped by project, `If-Match`, and `Idempotency-Key` replay.
struct RouteSupport: Sendable {
    let runtime: LedgerRuntime

    var service: DatasetService { runtime.service }

    /// Datasets live in the log as `<project>/<dataset_id>`: a project can never reach
    /// another project's dataset, whatever id it sends.
    func datasetID(_ context: LedgerRequestContext, role: Role = .labeler) throws -> (DatasetID, APIIdentity) {
        let project = try context.parameters.require("project_id")
        let identity = try context.require(role, project: project)
        let id = try context.parameters.require("dataset_id")
        return (DatasetID("\(project)/\(id)"), identity)
    }

    /// The dataset as it is now (without its samples), or 404.
    func info(_ dataset: DatasetID) async throws -> DatasetInfo {
        guard let info = try await service.info(of: dataset) else {
            throw APIError.notFound("dataset '\(Self.publicID(dataset))'")
        }
        return info
    }

    /// Answers a read from the projections (settled by the caller), with the same 404 as
    /// ``info(_:)`` when they know no such dataset — no trip through the dataset's actor.
    func projected<T>(_ dataset: DatasetID, _ read: (ProjectionQueries) throws -> T) throws -> T {
        do {
            return try read(runtime.queries)
        } catch ProjectionError.datasetNotFound {
            throw APIError.notFound("dataset '\(Self.publicID(dataset))'")
        }
    }

    static func publicID(_ dataset: DatasetID) -> String {
        dataset.rawValue.split(separator: "/", maxSplits: 1).last.map(String.init) ?? dataset.rawValue
    }

    func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: runtime.configuration.maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, code: "LabelLedger.API.413", "the request body exceeds \(runtime.configuration.maxBodyBytes) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError(.badRequest, code: "LabelLedger.API.400", "the request body is not valid: \(APIError.describe(error))")
        }
    }

    /// `If-Match: "<version>"`: 412 unless the dataset is at that version.
    func checkIfMatch(_ request: Request, state: DatasetInfo) throws {
        guard let raw = request.headers[.ifMatch] else { return }
        let text = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/"))
        guard text != "*" else { return }
        guard let expected = UInt64(text) else {
            throw APIError.badRequest("If-Match must be a dataset version such as \"42\"")
        }
        guard expected == state.version else {
            throw APIError(.preconditionFailed, code: "LabelLedger.API.412", "the dataset is at version \(state.version), If-Match expected \(expected)")
        }
    }

    func idempotencyKey(_ request: Request) -> String? {
        request.headers[.idempotencyKey].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
    }

    /// Runs a mutating request once per `Idempotency-Key`: a retry gets the first answer
    /// back and nothing is appended again (the key is also the log's command id).
    func once<T: Encodable & Sendable>(
        _ request: Request, identity: APIIdentity, status: HTTPResponse.Status = .ok,
        _ body: @Sendable (_ commandID: String?) async throws -> (T, UInt64?)
    ) async throws -> Response {
        let key = idempotencyKey(request)
        let scope = identity.name + " " + request.method.rawValue + " " + request.uri.path
        if let key, let answer = try runtime.idempotency.answer(scope: scope, key: key) {
            var response = Response(
                status: HTTPResponse.Status(code: answer.status), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
            response.headers[.idempotentReplay] = "true"
            return response
        }
        let (value, version) = try await body(key.map { "\(identity.name):\($0)" })
        let data = try JSONEncoder().encode(value)
        if let key { try runtime.idempotency.save(.init(status: Int(status.code), body: data), scope: scope, key: key) }
        var response = Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        if let version { response.headers[.eTag] = "\"\(version)\"" }
        return response
    }

    /// Executes a dataset command and waits until the projections include it.
    func execute(
        _ command: DatasetCommand, on dataset: DatasetID, identity: APIIdentity, commandID: String?
    ) async throws -> CommandOutcome {
        let start = ContinuousClock.now
        let outcome = try await service.execute(command, on: dataset, actor: identity.name, commandID: commandID)
        if outcome.append != nil {
            // Decide + append + fsync, the latency an API client pays for durability.
            Timer(label: "labelledger_command_append_seconds").record(duration: ContinuousClock.now - start)
        }
        try await runtime.settle(outcome.append?.lastPosition)
        return outcome
    }
}

extension Instant {
    static var now: Instant { Instant(Date()) }
}
