import Foundation
import Hummingbird
import LabelingDomain
import LabelingService
import LedgerComposition
import LedgerQueries
import Projections

/// An API failure as the service answers it: an HTTP status and a JSON body
/// `{"error_code": "...", "error_msg": "..."}` with a stable code.
///
/// Invariant: bad input always maps to a 4xx; only a failure of the server itself (I/O,
/// a corrupt log) is a 5xx.
public struct APIError: Error, HTTPResponseError, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The JSON error document, `{"error_code": "...", "error_msg": "..."}`.
    var document: Data {
        // Encoding a dictionary of two strings cannot fail.
        (try? WireWriter.encode(["error_code": code, "error_msg": message])) ?? Data()
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = document
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    // MARK: - Common errors

    static func badRequest(_ message: String, code: String = "LabelLedger.API.400") -> APIError {
        APIError(.badRequest, code: code, message)
    }

    static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "LabelLedger.API.404", "\(what) does not exist")
    }

    static let unauthorized = APIError(
        .unauthorized, code: "LabelLedger.API.401", "a valid token is required (Authorization: Bearer <token> or X-Auth-Token)")

    static func forbidden(_ role: Role) -> APIError {
        APIError(.forbidden, code: "LabelLedger.API.403", "this operation needs the \(role.rawValue) role")
    }

    // MARK: - From the layers below

    init(_ error: DomainError) {
        self.init(HTTPResponse.Status(code: error.httpStatus), code: error.code, error.message)
    }

    init(_ error: ServiceError) {
        if case let .rule(domain) = error {
            self.init(domain)
        } else if error.isStorageDamage {
            // Damage to the log found while serving (a frame that fails its checks, a missing
            // or unreadable segment, a log that refuses appends after a failed write) answers
            // 503 with the log's own code: the storage is unavailable, no request is at fault.
            // Damage present at start is refused before the server listens.
            self.init(.serviceUnavailable, code: error.code, error.message)
        } else {
            self.init(HTTPResponse.Status(code: error.httpStatus), code: error.code, error.message)
        }
    }

    init(_ error: ProjectionError) {
        switch error {
        case .invalidQuery: self.init(.badRequest, code: error.code, error.message)
        case .datasetNotFound: self.init(.notFound, code: error.code, error.message)
        case .positionBeyondHead: self.init(.badRequest, code: error.code, error.message)
        // The log could not be read (damaged, missing, unreadable): storage, not a server bug.
        case .log: self.init(.serviceUnavailable, code: error.code, error.message)
        default: self.init(.internalServerError, code: error.code, error.message)
        }
    }

    init(_ error: QueryError) {
        switch error {
        case let .projection(error): self.init(error)
        case let .service(error): self.init(error)
        case .positionBeyondHead, .invalidTime: self.init(.badRequest, code: error.code, error.message)
        case .datasetNotFound: self.init(.notFound, code: error.code, error.message)
        }
    }

    /// Any error thrown below the routes, mapped to its answer.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: error
        case let error as ServiceError: APIError(error)
        case let error as DomainError: APIError(error)
        case let error as ProjectionError: APIError(error)
        case let error as QueryError: APIError(error)
        case let error as DecodingError: APIError.badRequest("the request body is not valid: \(Self.describe(error))")
        default: APIError(.internalServerError, code: "LabelLedger.API.500", "\(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, context):
            "'\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))' is required"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case let .dataCorrupted(context):
            context.codingPath.isEmpty ? "malformed JSON" : "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' is invalid"
        @unknown default: "\(error)"
        }
    }
}
