import Foundation

/// Where ``DatasetExporter`` writes an export's files: a folder on disk (the command line's
/// `export`, ``ExportFolder``) or one byte stream (the API's download: ``ExportSingleFileStream``
/// for one file, ``ZipStreamWriter`` for several).
///
/// The exporter writes one file at a time, from start to end: ``startFile(_:)``, any number
/// of ``write(_:)``, the next ``startFile(_:)`` … ``finish()``. Paths are relative to the
/// export's root, `/`-separated, never absolute and never with `..` (``VOCFileNames``).
///
/// Invariant: the bytes of each file depend on the dataset and the file's path only, never
/// on the output, so a folder export and a streamed one hold the same files byte for byte.
public protocol ExportOutput: AnyObject {
    /// Ends the current file (if any) and starts `path`.
    func startFile(_ path: String) throws(InterchangeError)
    /// Appends `text` (UTF-8) to the current file.
    func write(_ text: String) throws(InterchangeError)
    /// Empties the folder `path` before files are written into it (a folder export replaces
    /// what an earlier export left there; a stream has nothing to replace).
    func replaceFolder(_ path: String) throws(InterchangeError)
    /// Ends the last file and the output.
    func finish() throws(InterchangeError)
    /// How an export's summary names `path` (a folder's full path; a stream's entry name).
    func location(of path: String) -> String
}

/// An export written into a folder on disk, each file through a ``LineWriter`` (bounded
/// memory).
public final class ExportFolder: ExportOutput {
    /// The folder the relative paths start from.
    public let root: URL
    private var current: LineWriter?

    public init(root: URL) {
        self.root = root
    }

    public func startFile(_ path: String) throws(InterchangeError) {
        try current?.close()
        current = nil
        current = try LineWriter(root.appendingPathComponent(path))
    }

    public func write(_ text: String) throws(InterchangeError) {
        guard let current else { preconditionFailure("ExportFolder.write before startFile") }
        try current.write(text)
    }

    public func replaceFolder(_ path: String) throws(InterchangeError) {
        let folder = root.appendingPathComponent(path)
        try? FileManager.default.removeItem(at: folder)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .io(path: folder.path, reason: "\(error)")
        }
    }

    public func finish() throws(InterchangeError) {
        try current?.close()
        current = nil
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw .io(path: root.path, reason: "\(error)")
        }
    }

    public func location(of path: String) -> String { root.appendingPathComponent(path).path }
}

/// Receives a streamed export's bytes in chunks of at most about ``ExportByteBuffer/chunkSize``
/// bytes, in order. Throwing stops the export (the reader went away).
public typealias ExportByteSink = ([UInt8]) throws(InterchangeError) -> Void

/// Collects bytes and hands them to an ``ExportByteSink`` in chunks: the memory a streamed
/// export holds is one chunk, whatever the dataset's size.
struct ExportByteBuffer {
    /// Bytes collected before they are handed on.
    static let chunkSize = 64 * 1024
    private let sink: ExportByteSink
    private var bytes: [UInt8] = []
    /// Bytes handed on or collected so far.
    private(set) var count: UInt64 = 0

    init(_ sink: @escaping ExportByteSink) {
        self.sink = sink
        bytes.reserveCapacity(Self.chunkSize)
    }

    mutating func append<S: Sequence<UInt8>>(_ more: S) throws(InterchangeError) {
        let before = bytes.count
        bytes.append(contentsOf: more)
        count += UInt64(bytes.count - before)
        if bytes.count >= Self.chunkSize { try flush() }
    }

    mutating func flush() throws(InterchangeError) {
        guard !bytes.isEmpty else { return }
        let chunk = bytes
        bytes.removeAll(keepingCapacity: true)
        try sink(chunk)
    }
}

/// A one-file export (COCO; a classification manifest) as the file's bytes, streamed.
public final class ExportSingleFileStream: ExportOutput {
    private var buffer: ExportByteBuffer
    private var file: String?

    public init(_ sink: @escaping ExportByteSink) {
        buffer = ExportByteBuffer(sink)
    }

    public func startFile(_ path: String) throws(InterchangeError) {
        guard file == nil else {
            throw .unsupportedFormat(format: "a single-file stream", reason: "the export has more than one file (\(path))")
        }
        file = path
    }

    public func write(_ text: String) throws(InterchangeError) {
        try buffer.append(text.utf8)
    }

    public func replaceFolder(_ path: String) throws(InterchangeError) {}

    public func finish() throws(InterchangeError) {
        try buffer.flush()
    }

    public func location(of path: String) -> String { path }
}
