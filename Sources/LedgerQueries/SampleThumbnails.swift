import AutoLabeling
import Foundation
import LabelingDomain
import LabelingService
import Projections

/// Thumbnails of a data directory's samples: the sample's image (as the projections
/// record it: file and content hash) through one ``AutoLabeling/ThumbnailMaker`` and its
/// bounded cache.
///
/// Invariants: a thumbnail's ``Thumbnail/tag`` is `"<content SHA-256>-<edge>"`, so equal tags
/// mean equal bytes; an edge outside ``edges`` is refused before the sample is looked up;
/// nothing here blocks the cooperative pool (the lookup and the decoding run on queues).
///
/// ```swift
/// let thumbnails = SampleThumbnails(queries: runtime.queries)
/// let jpeg = try await thumbnails.thumbnail(of: "3f2a…", in: "demo/1", edge: 160)
/// ```
public final class SampleThumbnails: Sendable {
    /// The longer sides a caller may ask for, in pixels.
    public static let edges = ThumbnailMaker.edgeRange

    public struct Thumbnail: Sendable {
        public var jpeg: Data
        /// Names the image's content and the edge: an HTTP entity tag.
        public var tag: String
    }

    /// What a lookup found.
    public enum Answer: Sendable {
        case thumbnail(Thumbnail)
        /// The caller's copy (`knownTag`) is current; nothing was decoded.
        case unchanged(tag: String)
    }

    /// Why no thumbnail could be made.
    public enum Failure: Error, Sendable {
        case edgeOutOfRange(Int)
        /// The image could not be read or decoded: the decoder's code and message.
        case image(code: String, message: String)
        case query(QueryError)
    }

    let queries: LedgerQueries
    let maker: ThumbnailMaker

    public init(queries: LedgerQueries, cacheByteLimit: Int = 32 << 20) {
        self.queries = queries
        self.maker = ThumbnailMaker(cacheByteLimit: cacheByteLimit)
    }

    /// The thumbnail of `sample`, nil when the projections know no such sample in `dataset`.
    /// - Parameter knownTag: the tag of a copy the caller holds (`If-None-Match`): when it is
    ///   still the image's, ``Answer/unchanged(tag:)`` comes back without decoding.
    public func thumbnail(
        of sample: SampleID, in dataset: DatasetID, edge: Int, knownTag: String? = nil
    ) async throws(Failure) -> Answer? {
        guard Self.edges.contains(edge) else { throw .edgeOutOfRange(edge) }
        let projections = queries.projections
        let found: SampleView?
        do {
            found = try await OffPool.run { () throws(ProjectionError) in try projections.sample(sample, in: dataset) }
        } catch {
            throw .query(.projection(error))
        }
        guard let found else { return nil }
        let tag = "\(found.contentSHA256)-\(edge)"
        if knownTag == tag { return .unchanged(tag: tag) }
        do {
            let jpeg = try await maker.thumbnail(path: found.sourcePath, contentSHA256: found.contentSHA256, edge: edge)
            return .thumbnail(Thumbnail(jpeg: jpeg, tag: tag))
        } catch {
            throw .image(code: error.code, message: "sample '\(sample.rawValue)': \(error.message)")
        }
    }

    /// Bytes the cache holds now (at most its limit).
    public var cachedBytes: Int { maker.cachedBytes }
}
