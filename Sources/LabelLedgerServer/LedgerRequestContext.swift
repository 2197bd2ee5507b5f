import Hummingbird
import LedgerComposition
import Logging

/// The per-request context: Hummingbird's core context plus the authenticated identity.
public struct LedgerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthMiddleware``; nil only on public routes (`/health`).
    public var identity: APIIdentity?

    /// Every wire struct a route returns is written by the API's one JSON writer.
    public var responseEncoder: WireResponseEncoder { WireResponseEncoder() }

    public init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
    }

    /// The identity, or 401.
    func authenticated() throws -> APIIdentity {
        guard let identity else { throw APIError.unauthorized }
        return identity
    }

    /// The identity if it has at least `role` and may see `project`; 404 for a foreign project.
    func require(_ role: Role, project: String) throws -> APIIdentity {
        let identity = try authenticated()
        guard identity.canSee(project: project) else { throw APIError.notFound("project '\(project)'") }
        guard identity.role >= role else { throw APIError.forbidden(role) }
        return identity
    }
}
