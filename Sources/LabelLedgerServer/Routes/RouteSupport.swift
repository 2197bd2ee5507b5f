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

    /// The dataset as it is now (without its samples), or 404: `LabelLedger.API.404` for an
    /// id that never existed, `LabelLedger.1046` for a deleted dataset.
    func info(_ dataset: DatasetID) async throws -> DatasetInfo {
        guard let info = try await service.info(of: dataset) else {
            throw APIError.notFound("dataset '\(Self.publicID(dataset))'")
        }
        if let deletion = info.deletion {
            throw APIError(DomainError.datasetDeleted(info.id, by: deletion.by, at: deletion.at))
        }
        return info
    }

    /// Answers a read from the projections (settled by the caller) without a trip through
    /// the dataset's actor. When they know no such dataset, ``info(_:)`` says why (never
    /// created, or deleted) with its 404.
    func projected<T>(_ dataset: DatasetID, _ read: (ProjectionQueries) throws -> T) async throws -> T {
        do {
            return try read(runtime.queries)
        } catch ProjectionError.datasetNotFound {
            _ = try await info(dataset)
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
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError(.badRequest, code: "LabelLedger.API.400", "the request body is not valid: \(APIError.describe(error))")
        }
        if let batch = value as? any SampleBatchRequest { try checkSize(of: batch) }
        return value
    }

    /// A request naming more samples, or carrying more labels, than one request may: 413
    /// before any sample is looked at (``ServerConfiguration/maxSamplesPerRequest``,
    /// ``ServerConfiguration/maxLabelsPerRequest``).
    func checkSize(of batch: some SampleBatchRequest) throws {
        let configuration = runtime.configuration
        guard batch.sampleCount <= configuration.maxSamplesPerRequest else {
            throw APIError(
                .contentTooLarge, code: "LabelLedger.API.4322",
                "the request names \(batch.sampleCount) samples; at most \(configuration.maxSamplesPerRequest) per request: split it")
        }
        guard batch.labelCount <= configuration.maxLabelsPerRequest else {
            throw APIError(
                .contentTooLarge, code: "LabelLedger.API.4323",
                "the request carries \(batch.labelCount) labels; at most \(configuration.maxLabelsPerRequest) per request: split it")
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

    /// `If-Match` (and the dataset's existence, 404) for a mutating request on `dataset`,
    /// unless the request is a retry that ``once(_:identity:status:_:)`` answers from the
    /// stored first answer: a retry gets that answer although the dataset has moved on (or
    /// was deleted) since, as `Idempotency-Key` promises.
    func checkIfMatch(_ request: Request, dataset: DatasetID, identity: APIIdentity) async throws {
        guard try !isRetry(request, identity: identity) else { return }
        try checkIfMatch(request, state: try await info(dataset))
    }

    func idempotencyKey(_ request: Request) -> String? {
        request.headers[.idempotencyKey].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
    }

    /// Whether `once` holds an answer for this request's `Idempotency-Key`.
    func isRetry(_ request: Request, identity: APIIdentity) throws -> Bool {
        guard let key = idempotencyKey(request) else { return false }
        return try runtime.idempotency.answer(scope: Self.idempotencyScope(request, identity), key: key) != nil
    }

    private static func idempotencyScope(_ request: Request, _ identity: APIIdentity) -> String {
        identity.name + " " + request.method.rawValue + " " + request.uri.path
    }

    /// Runs a mutating request once per `Idempotency-Key`: a retry gets the first answer
    /// back and nothing is appended again (the key is also the log's command id).
    func once<T: Encodable & Sendable>(
        _ request: Request, identity: APIIdentity, status: HTTPResponse.Status = .ok,
        _ body: @Sendable (_ commandID: String?) async throws -> (T, UInt64?)
    ) async throws -> Response {
        let key = idempotencyKey(request)
        let scope = Self.idempotencyScope(request, identity)
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
