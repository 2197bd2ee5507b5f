import DatasetInterchange
import Foundation
import LabelingDomain
import LabelingService
import LedgerQueries

/// A dataset export made while its reader takes the bytes (the API's
/// `GET /v2/{project_id}/datasets/{dataset_id}/export`): the same exporter and the same
/// files as `labelledger export` (``DatasetInterchange/DatasetExporter``), as one stream —
/// the file itself for COCO and a classification manifest, a ZIP archive of the files for
/// Pascal VOC and a detection manifest (``DatasetInterchange/ZipStreamWriter``).
///
/// ```swift
/// let export = try await runtime.export(dataset, format: "coco", asOf: runtime.queries.head)
/// for try await chunk in export.body { try await send(chunk) }
/// ```
///
/// Invariants: the bytes are those of `labelledger export` at the same position (for an
/// archive: each of its files); the export is made on its own thread while the body is
/// read, at most ``chunksInFlight`` chunks of about 64 KiB ahead of the reader, so a large
/// export neither waits until it is whole nor holds its bytes in memory.
public struct DatasetExport: Sendable {
    /// The format names, as `labelledger export --format` takes them.
    public static let formats: [String] = ExportFormat.allCases.map(\.rawValue)
    /// The manifest's name inside an archive; its annotation files are under
    /// `dataset-annotations/`.
    public static let archivedManifestName = "dataset.manifest"
    /// Chunks made ahead of the reader.
    public static let chunksInFlight = 4

    public let format: String
    /// The log position the export reflects.
    public let position: UInt64
    /// `application/json` (COCO), `application/x-ndjson` (a classification manifest) or
    /// `application/zip`.
    public let contentType: String
    /// A file name for the download: `<dataset>-<position>.coco.json`, `.manifest` or `.zip`.
    public let fileName: String
    /// The bytes, as they are made.
    public let body: DatasetExportBody
}

/// Why an export was refused before any byte was made.
public enum DatasetExportError: Error, Sendable {
    /// Not one of ``DatasetExport/formats``.
    case unknownFormat(String)
    /// The dataset (as of the position) could not be read, or did not exist then.
    case query(QueryError)
    /// The format cannot hold this dataset (Pascal VOC of a classification dataset):
    /// the exporter's code (`LabelLedger.Export.001`) and message.
    case unsupported(code: String, message: String)
}

/// The bytes of a ``DatasetExport`` as they are made: each element a chunk of the file or
/// archive, in order. Iterate it once. Stopping early (or dropping it) stops the export.
public final class DatasetExportBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    let handoff: ExportChunkHandoff

    init(_ handoff: ExportChunkHandoff) {
        self.handoff = handoff
    }

    deinit { handoff.abandon() }

    /// Bytes made so far (sent or waiting to be): at most ``DatasetExport/chunksInFlight``
    /// (and the one being handed over) chunks ahead of what the reader took.
    public var bytesProduced: UInt64 { handoff.bytesProduced }

    /// Stops the export: its thread ends at its next chunk.
    public func cancel() { handoff.abandon() }

    public func makeAsyncIterator() -> Iterator { Iterator(body: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let body: DatasetExportBody

        public mutating func next() async throws -> [UInt8]? { try await body.handoff.next() }
    }
}

extension LedgerRuntime {
    /// Starts exporting `dataset` as it was at `position` in the format named `format`.
    ///
    /// Everything that can refuse the export is checked before it starts (the format, the
    /// position, the dataset's existence then — a deleted dataset has nothing left to
    /// export —, a format the dataset's type cannot take), so a caller can still answer
    /// with an error status; afterwards the body can only end early when its reader stops.
    public func export(_ dataset: DatasetID, format name: String, asOf position: UInt64) async throws(DatasetExportError)
        -> DatasetExport
    {
        guard let format = ExportFormat(rawValue: name) else { throw .unknownFormat(name) }
        let then: DatasetAtPosition
        do { then = try await queries.dataset(dataset, asOf: position) } catch { throw .query(error) }
        guard then.state.exists else { throw .query(.datasetNotFound(dataset: dataset.rawValue, position: position)) }
        do { try DatasetExporter.check(format, for: then) } catch { throw .unsupported(code: error.code, message: error.message) }

        let archive = DatasetExporter.writesSeveralFiles(format, type: then.state.type)
        let handoff = ExportChunkHandoff(capacity: DatasetExport.chunksInFlight)
        Thread.detachNewThread {
            do throws(InterchangeError) {
                let sink: ExportByteSink = { chunk throws(InterchangeError) in try handoff.send(chunk) }
                let output: any ExportOutput = archive ? ZipStreamWriter(sink) : ExportSingleFileStream(sink)
                _ = try DatasetExporter.export(then, format: format, named: DatasetExport.archivedManifestName, into: output)
                handoff.finish(nil)
            } catch {
                handoff.finish(error)
            }
        }
        let base = "\(dataset.rawValue.split(separator: "/").last.map(String.init) ?? "dataset")-\(position)"
        let (contentType, fileName): (String, String) =
            archive ? ("application/zip", base + ".zip")
            : format == .coco ? ("application/json", base + ".coco.json") : ("application/x-ndjson", base + ".manifest")
        return DatasetExport(
            format: format.rawValue, position: position, contentType: contentType, fileName: fileName,
            body: DatasetExportBody(handoff))
    }
}
