import Foundation
import HTTPTypes
import Hummingbird
import LabelingDomain
import LedgerComposition
import LedgerQueries
import NIOCore

/// `GET /v2/{project_id}/datasets/{dataset_id}/export?format=coco|manifest|voc`: the dataset
/// (now, or as of `as_of_position` / `as_of_time`) in the files `labelledger export` writes,
/// streamed (``LedgerComposition/DatasetExport``).
///
/// Invariants: every refusal (an unknown format 400 `LabelLedger.API.4343`, both as-of
/// parameters 400 `LabelLedger.API.4344`, a position beyond the head 400, a dataset that did
/// not exist then 404, a format the dataset's type cannot take 400 `LabelLedger.Export.001`)
/// is answered before the body starts; the body is written as the exporter makes it, a few
/// chunks ahead of the client, never gathered whole; a client that goes away stops the
/// export.
struct ExportRoutes: Sendable {
    let support: RouteSupport

    func register(on group: RouterGroup<LedgerRequestContext>) {
        group.get("datasets/:dataset_id/export", use: export)
    }

    /// `X-LabelLedger-Position`: the log position the export reflects.
    static let positionHeader = HTTPField.Name("X-LabelLedger-Position")!

    @Sendable func export(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, _) = try support.datasetID(context)
        let query = request.uri.queryParameters
        guard let format = query["format"].map(String.init), DatasetExport.formats.contains(format) else {
            throw APIError.badRequest(
                "format must be one of \(DatasetExport.formats.joined(separator: ", "))", code: "LabelLedger.API.4343")
        }
        guard query["as_of_position"] == nil || query["as_of_time"] == nil else {
            throw APIError.badRequest("give as_of_position or as_of_time, not both", code: "LabelLedger.API.4344")
        }
        let position: UInt64
        if let asked = try await support.asOfPosition(request) {
            position = asked
        } else {
            // Now: the dataset as the other routes answer it (404 for one never created or
            // deleted), at the head.
            position = support.runtime.queries.head
            _ = try await support.overview(dataset)
        }
        let export: DatasetExport
        do {
            export = try await support.runtime.export(dataset, format: format, asOf: position)
        } catch {
            switch error {
            case let .unknownFormat(name):
                throw APIError.badRequest("format '\(name)' is not one of \(DatasetExport.formats.joined(separator: ", "))", code: "LabelLedger.API.4343")
            case let .query(error):
                throw APIError(error)
            case let .unsupported(code, message):
                throw APIError(.badRequest, code: code, message)
            }
        }
        let headers: HTTPFields = [
            .contentType: export.contentType,
            .contentDisposition: "attachment; filename=\"\(export.fileName)\"",
            Self.positionHeader: "\(export.position)",
        ]
        let body = export.body
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // Whatever ends the writing (the end, a client gone), the export stops with it.
            defer { body.cancel() }
            for try await chunk in body {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        })
    }
}
