import Foundation
import Hummingbird
import LabelingDomain
import LedgerComposition
import Projections

/// The command line's writes while a server owns the data directory: `POST /admin/import`
/// and `POST /admin/rebuild`. Each answers `200` with `application/x-ndjson`, one
/// ``LedgerComposition/AdminStreamRecord`` per line as the work goes on (progress first, the
/// outcome last: `imported`, `rebuilt` or `failed`); a request refused before any work gets
/// its 4xx as every route does.
///
/// Invariants: an admin token bound to no project is required (403 `LabelLedger.API.4340`);
/// an import reads its source from this machine's files, so a source outside the server's
/// data roots is refused (403 `LabelLedger.API.4341`) unless the request carries the
/// server's own credential (the one in `server/serving.json`, readable only by the data
/// directory's owner); an import is all or nothing, as `labelledger import` is.
struct AdminRoutes: Sendable {
    let support: RouteSupport

    /// The name of the credential a server advertises to the command line.
    static let commandLineName = "labelledger-cli"

    struct ImportRequest: Codable {
        /// A manifest or folder on the server's machine (absolute path).
        var source: String
        /// The full dataset id (`<project>/<id>`, or an id of no project).
        var dataset: String
        var actor: String?
        var dry_run: Bool?
        var partial: Bool?
        /// Create the dataset first when missing: 0 classification, 1 detection.
        var create_type: Int?
        /// With `create_type`: the label set (default: every label the source uses).
        var labels: [String]?
    }

    struct RebuildRequest: Codable {
        /// Projection names; none or null: every projection.
        var projections: [String]?
    }

    func register(on group: RouterGroup<LedgerRequestContext>) {
        group.post("admin/import", use: importSamples)
        group.post("admin/rebuild", use: rebuild)
    }

    private func administrator(_ context: LedgerRequestContext) throws -> APIIdentity {
        let identity = try context.authenticated()
        guard identity.role >= .admin else { throw APIError.forbidden(.admin) }
        guard identity.project == nil else {
            throw APIError(.forbidden, code: "LabelLedger.API.4340", "admin operations need an admin token bound to no project")
        }
        return identity
    }

    @Sendable func importSamples(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let identity = try administrator(context)
        let body = try await support.decode(ImportRequest.self, from: request)
        guard !body.dataset.isEmpty else { throw APIError.badRequest("dataset must not be empty", code: "LabelLedger.API.4342") }
        guard body.source.hasPrefix("/") else {
            throw APIError.badRequest("source must be an absolute path on the server's machine", code: "LabelLedger.API.4342")
        }
        if let type = body.create_type, type != 0, type != 1 {
            throw APIError.badRequest("create_type must be 0 (classification) or 1 (detection)", code: "LabelLedger.API.4342")
        }
        if identity.name != Self.commandLineName {
            let roots = support.runtime.configuration.dataRoots.map { $0.resolvingSymlinksInPath().standardizedFileURL.path }
            let source = URL(fileURLWithPath: body.source).standardizedFileURL.resolvingSymlinksInPath().path
            guard roots.contains(where: { source == $0 || source.hasPrefix($0 + "/") }) else {
                throw APIError(.forbidden, code: "LabelLedger.API.4341", "\(body.source) is outside the server's data roots")
            }
        }
        let runtime = support.runtime
        return Self.stream { emit in
            await runtime.importSamples(
                source: body.source, into: DatasetID(body.dataset), actor: body.actor ?? identity.name,
                dryRun: body.dry_run ?? false, partial: body.partial ?? false, createType: body.create_type,
                labels: body.labels, emit: emit)
        }
    }

    @Sendable func rebuild(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try administrator(context)
        let body = try await support.decode(RebuildRequest.self, from: request)
        var kinds = ProjectionKind.allCases
        if let names = body.projections, !names.isEmpty {
            kinds = try names.map { name in
                guard let kind = ProjectionKind(rawValue: name) else {
                    let error = ProjectionError.unknownProjection(name)
                    throw APIError.badRequest(error.message, code: error.code)
                }
                return kind
            }
        }
        let runtime = support.runtime, chosen = kinds
        return Self.stream { emit in await runtime.rebuildProjections(chosen, emit: emit) }
    }

    /// A 200 whose body is the records `work` emits, one JSON line each, written as they come.
    static func stream(_ work: @escaping @Sendable (@escaping @Sendable (AdminStreamRecord) -> Void) async -> Void) -> Response {
        let body = ResponseBody { writer in
            let (records, continuation) = AsyncStream<AdminStreamRecord>.makeStream()
            async let done: Void = {
                await work { continuation.yield($0) }
                continuation.finish()
            }()
            for await record in records {
                var line = ByteBuffer(bytes: try WireWriter.encode(record))
                line.writeString("\n")
                try await writer.write(line)
            }
            await done
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: body)
    }
}
