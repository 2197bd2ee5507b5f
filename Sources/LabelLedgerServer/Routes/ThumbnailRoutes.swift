import Foundation
import Hummingbird
import LabelingDomain
import LedgerComposition
import LedgerQueries
import NIOCore

/// `GET …/data-annotations/samples/{sample_id}/thumbnail?size=N`: the sample's image as a
/// JPEG whose longer side is at most N pixels (16…1024, default 160; never enlarged), made
/// and cached by ``LedgerQueries/SampleThumbnails``.
///
/// Invariants: the answer's `ETag` names the image's content hash and the size, and a
/// matching `If-None-Match` answers 304 without decoding; an image that cannot be read or
/// decoded answers 422 with the decoder's code; a size outside 16…1024 is 400
/// `LabelLedger.API.4425` before anything is read; a sample of another project is 404 as
/// any of its data.
struct ThumbnailRoutes: Sendable {
    let support: RouteSupport
    /// One per router: its cache is bounded (``SampleThumbnails/init(queries:cacheByteLimit:)``).
    let thumbnails: SampleThumbnails

    init(support: RouteSupport) {
        self.support = support
        thumbnails = SampleThumbnails(queries: support.runtime.queries)
    }

    static let defaultEdge = 160

    func register(on group: RouterGroup<LedgerRequestContext>) {
        group.get("datasets/:dataset_id/data-annotations/samples/:sample_id/thumbnail", use: thumbnail)
    }

    @Sendable func thumbnail(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, _) = try support.datasetID(context)
        let sampleID = SampleID(try context.parameters.require("sample_id"))
        var edge = Self.defaultEdge
        if let raw = request.uri.queryParameters["size"] {
            guard let value = Int(raw), SampleThumbnails.edges.contains(value) else {
                throw APIError.badRequest(
                    "size must be an integer from \(SampleThumbnails.edges.lowerBound) to \(SampleThumbnails.edges.upperBound) (pixels of the longer side)",
                    code: "LabelLedger.API.4425")
            }
            edge = value
        }
        let known = request.headers[.ifNoneMatch].map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/")) }
        try await support.runtime.settle(support.runtime.queries.head)
        let answer: SampleThumbnails.Answer?
        do {
            answer = try await thumbnails.thumbnail(of: sampleID, in: dataset, edge: edge, knownTag: known)
        } catch {
            switch error {
            case let .image(code, message): throw APIError(.unprocessableContent, code: code, message)
            case let .query(error): throw APIError.from(error)
            case .edgeOutOfRange: throw APIError.badRequest("size \(edge) is out of range", code: "LabelLedger.API.4425")
            }
        }
        switch answer {
        case nil:
            _ = try await support.overview(dataset)
            throw APIError.notFound("sample '\(sampleID.rawValue)'")
        case let .unchanged(tag)?:
            return Response(status: .notModified, headers: [.eTag: "\"\(tag)\"", .cacheControl: "private, no-cache"])
        case let .thumbnail(thumbnail)?:
            return Response(
                status: .ok,
                headers: [.contentType: "image/jpeg", .eTag: "\"\(thumbnail.tag)\"", .cacheControl: "private, no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: thumbnail.jpeg)))
        }
    }
}
