import Crypto
import Foundation
import Hummingbird
import Metrics
import LabelingDomain
import LabelingService
import LedgerComposition
import LedgerQueries
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

    /// Answers a read through the query API (settled by the caller) without a trip through
    /// the dataset's actor. When the projections know no such dataset, ``missing(_:)`` says
    /// why (never created, or deleted) with its 404.
    func projected<T>(_ dataset: DatasetID, _ read: (LedgerQueries) async throws(QueryError) -> T) async throws -> T {
        do {
            return try await read(runtime.queries)
        } catch .projection(.datasetNotFound) {
            throw try await missing(dataset)
        } catch {
            throw APIError(error)
        }
    }

    /// The dataset as the projections show it, including every write so far; 404 as
    /// ``missing(_:)`` says when they know none.
    func overview(_ dataset: DatasetID) async throws -> DatasetOverview {
        try await runtime.settle(runtime.queries.head)
        guard let overview = try await projected(dataset, { queries throws(QueryError) in try await queries.dataset(dataset) }) else {
            throw try await missing(dataset)
        }
        return overview
    }

    /// The 404 of a dataset the projections do not list, read from the projections (the
    /// aggregate is never loaded for a read): `LabelLedger.1046` naming who deleted it and
    /// when, or `LabelLedger.API.404` for an id that never existed.
    func missing(_ dataset: DatasetID) async throws -> APIError {
        let deletion: DeletedDataset?
        do { deletion = try await runtime.queries.deletion(of: dataset) } catch { throw APIError(error) }
        guard let deletion else { return APIError.notFound("dataset '\(Self.publicID(dataset))'") }
        return APIError(DomainError.datasetDeleted(dataset, by: deletion.by, at: deletion.at))
    }

    /// The position a read asks for with `as_of_position` (a log position) or `as_of_time`
    /// (ISO 8601: the last position recorded at or before it); nil: now. 400 when it is not
    /// one, or lies beyond the log head.
    func asOfPosition(_ request: Request) async throws -> UInt64? {
        let query = request.uri.queryParameters
        let position: UInt64
        if let raw = query["as_of_position"] {
            guard let value = UInt64(raw) else { throw APIError.badRequest("as_of_position must be a log position") }
            position = value
        } else if let raw = query["as_of_time"] {
            guard let date = WireWriter.parseTime(raw) else {
                throw APIError.badRequest("as_of_time must be ISO 8601, e.g. 2026-11-24T08:00:00Z")
            }
            do { position = try await runtime.queries.position(at: date) } catch { throw APIError(error) }
        } else {
            return nil
        }
        let head = runtime.queries.head
        guard position <= head else { throw APIError.badRequest("as_of_position \(position) is beyond the log head \(head)") }
        return position
    }

    static func publicID(_ dataset: DatasetID) -> String {
        dataset.rawValue.split(separator: "/", maxSplits: 1).last.map(String.init) ?? dataset.rawValue
    }

    static func bodyTooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "LabelLedger.API.413", "the request body exceeds \(limit) bytes")
    }

    func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: runtime.configuration.maxBodyBytes)
        } catch {
            throw Self.bodyTooLarge(runtime.configuration.maxBodyBytes)
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

    /// The dataset version `If-Match: "<version>"` names; nil without the header or with `*`.
    /// 400 when it is not a version.
    func ifMatchVersion(_ request: Request) throws -> UInt64? {
        guard let raw = request.headers[.ifMatch] else { return nil }
        let text = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/"))
        guard text != "*" else { return nil }
        guard let expected = UInt64(text) else {
            throw APIError.badRequest("If-Match must be a dataset version such as \"42\"")
        }
        return expected
    }

    /// `If-Match: "<version>"`: 412 unless the dataset is at that version — the early answer,
    /// before any work. It is not the guarantee: between this check and the append other
    /// commands may land, so the version also goes to ``execute(_:on:identity:commandID:ifMatch:)``,
    /// which appends with it as the log's expected version.
    /// - Returns: the version `If-Match` names (nil: none).
    @discardableResult
    func checkIfMatch(_ request: Request, state: DatasetInfo) throws -> UInt64? {
        guard let expected = try ifMatchVersion(request) else { return nil }
        guard expected == state.version else {
            throw APIError(ServiceError.staleVersion(dataset: state.id.rawValue, expected: expected, actual: state.version))
        }
        return expected
    }

    /// `If-Match` (and the dataset's existence, 404) for a mutating request on `dataset`,
    /// unless the request is a retry that ``once(_:identity:status:_:)`` answers from the
    /// stored first answer: a retry gets that answer although the dataset has moved on (or
    /// was deleted) since, as `Idempotency-Key` promises.
    /// - Returns: the version `If-Match` names, for ``execute(_:on:identity:commandID:ifMatch:)``.
    @discardableResult
    func checkIfMatch(_ request: Request, dataset: DatasetID, identity: APIIdentity) async throws -> UInt64? {
        guard try await !isRetry(request, identity: identity) else { return try ifMatchVersion(request) }
        return try checkIfMatch(request, state: try await info(dataset))
    }

    func idempotencyKey(_ request: Request) -> String? {
        request.headers[.idempotencyKey].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
    }

    /// Whether `once` holds an answer for this request's `Idempotency-Key` (for this request
    /// or, refused there with 422, for another one).
    func isRetry(_ request: Request, identity: APIIdentity) async throws -> Bool {
        guard let key = idempotencyKey(request) else { return false }
        return try await runtime.idempotency.answer(scope: Self.idempotencyScope(identity), key: key) != nil
    }

    /// Keys are scoped by token name: a key names one request of one client, whatever its path.
    private static func idempotencyScope(_ identity: APIIdentity) -> String {
        "token " + identity.name
    }

    /// What makes two requests the same request: SHA-256 of the method, the path with its
    /// query, and the body (held in memory by ``IdempotencyBodyMiddleware``) — a JSON body as
    /// its canonical form (keys sorted, no spaces), so that a client re-encoding the same
    /// object in another key order is still retrying.
    private static func fingerprint(_ request: Request) async throws -> String {
        var body = Data()
        for try await chunk in request.body { body.append(contentsOf: chunk.readableBytesView) }
        if !body.isEmpty, let canonical = WireWriter.canonical(body) { body = canonical }
        var hash = SHA256()
        hash.update(data: Data("\(request.method.rawValue) \(request.uri.path)?\(request.uri.query ?? "")\n".utf8))
        hash.update(data: body)
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Runs a mutating request once per `Idempotency-Key`: a retry (the same method, path,
    /// query and body) gets the first answer back and nothing is appended again (the key is
    /// also the log's command id). A key reused for another request answers 422
    /// `LabelLedger.API.4300` and changes nothing.
    func once<T: Encodable & Sendable>(
        _ request: Request, identity: APIIdentity, status: HTTPResponse.Status = .ok,
        _ body: @Sendable (_ commandID: String?) async throws -> (T, UInt64?)
    ) async throws -> Response {
        let key = idempotencyKey(request)
        let scope = Self.idempotencyScope(identity)
        let fingerprint = key == nil ? "" : try await Self.fingerprint(request)
        if let key, let answer = try await runtime.idempotency.answer(scope: scope, key: key) {
            guard answer.fingerprint == fingerprint else {
                throw APIError(
                    .unprocessableContent, code: "LabelLedger.API.4300",
                    "Idempotency-Key '\(key)' was used for another request (a different method, path, query or body); send a new key for a new request")
            }
            var response = Response(
                status: HTTPResponse.Status(code: answer.status), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
            response.headers[.idempotentReplay] = "true"
            return response
        }
        let (value, version) = try await body(key.map { "\(identity.name):\($0)" })
        let data = try WireWriter.encode(value)
        if let key {
            try await runtime.idempotency.save(.init(status: Int(status.code), body: data, fingerprint: fingerprint), scope: scope, key: key)
        }
        var response = Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        if let version { response.headers[.eTag] = "\"\(version)\"" }
        return response
    }

    /// Executes a dataset command and waits until the projections include it.
    /// - Parameter ifMatch: the version the request's `If-Match` names: the command is
    ///   decided against that version and appended with it as the expected version, so of
    ///   concurrent requests naming one version exactly one is appended and the others get
    ///   412 (`LabelLedger.API.412`).
    func execute(
        _ command: DatasetCommand, on dataset: DatasetID, identity: APIIdentity, commandID: String?, ifMatch: UInt64?
    ) async throws -> CommandOutcome {
        let start = ContinuousClock.now
        let outcome = try await service.execute(
            command, on: dataset, actor: identity.name, commandID: commandID, expectedVersion: ifMatch)
        if outcome.append != nil {
            // Decide + append + fsync, the latency an API client pays for durability.
            Timer(label: "labelledger_command_append_seconds").record(duration: ContinuousClock.now - start)
        }
        try await runtime.settle(outcome.lastPosition)
        return outcome
    }
}

extension Instant {
    static var now: Instant { Instant(Date()) }
}
