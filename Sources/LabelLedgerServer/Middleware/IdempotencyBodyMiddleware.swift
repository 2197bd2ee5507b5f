import Hummingbird

/// Holds the body of a request that carries an `Idempotency-Key` in memory (up to the body
/// limit, 413 `LabelLedger.API.413` beyond), so that ``RouteSupport/once(_:identity:status:_:)``
/// can take the request's fingerprint after the route has decoded the body: a streamed body
/// can be read only once. Requests without the header stream as before.
struct IdempotencyBodyMiddleware: RouterMiddleware {
    typealias Context = LedgerRequestContext
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key = request.headers[.idempotencyKey], !key.isEmpty else { return try await next(request, context) }
        var request = request
        do {
            _ = try await request.collectBody(upTo: maxBodyBytes)
        } catch {
            throw RouteSupport.bodyTooLarge(maxBodyBytes)
        }
        return try await next(request, context)
    }
}
