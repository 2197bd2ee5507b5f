import Foundation
import Hummingbird
import LedgerComposition
import LedgerQueries
import Metrics
import Prometheus

/// `/health` and `/openapi.yaml` (public: neither holds any data), and `/metrics`
/// (Prometheus text, any token).
struct OperationsRoutes: Sendable {
    let support: RouteSupport

    struct Health: ResponseEncodable {
        var status: String
        var log_head: UInt64
        var projection_checkpoint: UInt64
    }

    func registerPublic(on router: Router<LedgerRequestContext>) {
        // Read from the projections' files, never through the projector: a batch being
        // applied does not hold up the answer.
        router.get("health") { _, _ in
            let queries = support.runtime.queries
            let head = queries.head
            return Health(status: "ok", log_head: head, projection_checkpoint: try await queries.projectionCheckpoint())
        }
        // The contract, as APIs usually serve theirs: a client reads it before it has a token.
        router.get("openapi.yaml") { _, _ in
            guard let document = Self.document else {
                throw APIError(.internalServerError, code: "LabelLedger.API.500", "openapi.yaml is missing from the build")
            }
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }

    /// The bundled openapi.yaml, read once (a public route does no file I/O per request).
    private static let document: Data? = Bundle.module.url(forResource: "openapi", withExtension: "yaml")
        .flatMap { try? Data(contentsOf: $0) }

    func register(on group: RouterGroup<LedgerRequestContext>) {
        group.get("metrics") { _, context in
            _ = try context.authenticated()
            let queries = support.runtime.queries
            let head = queries.head
            let checkpoint = try await queries.projectionCheckpoint()
            Gauge(label: "labelledger_log_head").record(Double(head))
            Gauge(label: "labelledger_projection_lag_events").record(Double(head >= checkpoint ? head - checkpoint : 0))
            Gauge(label: "labelledger_task_queue_length").record(Double(try await queries.queueLength()))
            var bytes: [UInt8] = []
            ServerMetrics.registry.emit(into: &bytes)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}

/// The process-wide Prometheus registry behind swift-metrics (bootstrapped once).
enum ServerMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
