import Foundation
import Hummingbird
import LedgerComposition

/// Authenticates every request it guards: `Authorization: Bearer <token>` or the
/// service's `X-Auth-Token: <token>`; 401 without a known token.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = LedgerRequestContext
    let tokens: TokenStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let presented: String?
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            presented = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else {
            presented = request.headers[.authToken]
        }
        guard let presented, let identity = try await tokens.identity(for: presented) else { throw APIError.unauthorized }
        context.identity = identity
        return try await next(request, context)
    }
}
