import Foundation
import Hummingbird
import HummingbirdCore
import LedgerComposition
import Logging
import Metrics
import NIOCore

/// Builds the HTTP API over a runtime.
///
/// ```swift
/// let runtime = try await LedgerRuntime(configuration: .init(dataDirectory: data))
/// let app = LedgerApplication.build(runtime: runtime)
/// try await app.runService()
/// ```
public enum LedgerApplication {
    /// Every route: the service's v2 paths under `/v2/{project_id}`, plus `/health`,
    /// `/metrics`, `/openapi.yaml`, and the review console's static files under `/console/`.
    /// All but `/health`, `/openapi.yaml` and `/console/` need a token.
    /// - Parameter eventHeartbeat: the time between keep-alive comments on an open event
    ///   stream (`GET /v2/{project_id}/events`).
    public static func router(
        runtime: LedgerRuntime, eventHeartbeat: Duration = defaultEventHeartbeat
    ) -> Router<LedgerRequestContext> {
        _ = ServerMetrics.registry
        let support = RouteSupport(runtime: runtime)
        let router = Router(context: LedgerRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MetricsMiddleware())
        OperationsRoutes(support: support).registerPublic(on: router)
        ConsoleRoutes().registerPublic(on: router)
        let authenticated = router.group().add(middleware: AuthMiddleware(tokens: runtime.tokens))
            .add(middleware: IdempotencyBodyMiddleware(maxBodyBytes: runtime.configuration.maxBodyBytes))
        OperationsRoutes(support: support).register(on: authenticated)
        AdminRoutes(support: support).register(on: authenticated)
        let project = authenticated.group("v2/:project_id")
        DatasetRoutes(support: support).register(on: project)
        SampleRoutes(support: support).register(on: project)
        TaskRoutes(support: support).register(on: project)
        HistoryRoutes(support: support).register(on: project)
        ExportRoutes(support: support).register(on: project)
        ModelRoutes(support: support).register(on: project)
        ThumbnailRoutes(support: support).register(on: project)
        EventStreamRoutes(support: support, heartbeat: eventHeartbeat).register(on: project)
        return router
    }

    /// Keep-alive comments on an open event stream come this often unless configured: well
    /// under the idle timeouts proxies commonly apply to a quiet response.
    public static let defaultEventHeartbeat: Duration = .seconds(15)

    /// The application; `listening` is called once it listens, with the port it bound (the
    /// configured one, or the one the system chose for port 0).
    public static func build(
        runtime: LedgerRuntime, logger: Logger = Logger(label: "labelledger.http"), eventHeartbeat: Duration = defaultEventHeartbeat,
        listening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(runtime: runtime, eventHeartbeat: eventHeartbeat),
            server: .http1(configuration: http1(runtime.configuration)),
            configuration: .init(address: .hostname(runtime.configuration.host, port: runtime.configuration.port), serverName: "LabelLedger"),
            onServerRunning: { channel in await listening(channel.localAddress?.port ?? runtime.configuration.port) },
            logger: logger)
    }

    /// The request line and all header lines together, and any one header field: larger
    /// requests get 431 `LabelLedger.API.4321`.
    public static let maxHeaderBytes = 80 * 1024

    /// HTTP/1.1 as served: header limits, the JSON error document for requests the parser
    /// refuses (``MalformedRequestResponder``), and idle connections closed after
    /// ``ServerConfiguration/idleTimeout``.
    static func http1(_ configuration: LedgerComposition.ServerConfiguration) -> HTTP1Channel.Configuration {
        let idle = configuration.idleTimeout.components
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [MalformedRequestResponder(maxHeaderBytes: maxHeaderBytes)],
            idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: maxHeaderBytes, maxHeaderListSize: maxHeaderBytes))
    }
}
