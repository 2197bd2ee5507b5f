import Hummingbird
import Logging

/// Turns every error into the JSON error document `{"error_code", "error_msg"}` with a
/// fitting status, and logs server-side failures.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = LedgerRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let code = "LabelLedger.API.\(error.status.code)"
            let message = error.body ?? (error.status == .notFound ? "no route \(request.method.rawValue) \(request.uri.path)" : error.status.reasonPhrase)
            return try APIError(error.status, code: code, message).response(from: request, context: context)
        } catch {
            let problem = APIError.from(error)
            if problem.status.code >= 500 {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            return try problem.response(from: request, context: context)
        }
    }
}
