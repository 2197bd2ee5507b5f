import Foundation

/// A directory of this fuzzing process for decoders that read files: emptied before each
/// input. It lives in memory (`/dev/shm`, else the system's temporary directory) so that
/// the syncs of the log and SQLite cost little, and is named after the process so that
/// parallel jobs never share one.
///
/// ```swift
/// let scratch = ScratchDirectory.shared
/// let url = scratch.fresh().appendingPathComponent("x.manifest")
/// scratch.write(bytes, to: url)
/// ```
public final class ScratchDirectory: @unchecked Sendable {
    /// One per process: libFuzzer calls the target on one thread.
    public static let shared = ScratchDirectory()

    public let root: URL
    private var generation = 0

    private init() {
        let memory = URL(fileURLWithPath: "/dev/shm", isDirectory: true)
        let base = FileManager.default.isWritableFile(atPath: memory.path) ? memory : FileManager.default.temporaryDirectory
        root = base.appendingPathComponent("labelledger-fuzz-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: root)
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: ScratchDirectory.shared.root) }
    }

    /// A new empty directory for one input (the previous input's is removed first).
    public func fresh() -> URL {
        let previous = root.appendingPathComponent("\(generation)", isDirectory: true)
        try? FileManager.default.removeItem(at: previous)
        generation += 1
        let next = root.appendingPathComponent("\(generation)", isDirectory: true)
        try? FileManager.default.createDirectory(at: next, withIntermediateDirectories: true)
        return next
    }

    /// Writes `bytes` to `url`, creating parent directories; a failure ends the run, since
    /// a target that cannot write its input tests nothing.
    public func write(_ bytes: some DataProtocol, to url: URL) {
        guard writeIfPossible(bytes, to: url) else { fatalError("fuzz scratch: cannot write \(url.path)") }
    }

    /// Writes `bytes` to `url`, creating parent directories; false when the fuzzed layout
    /// itself makes that impossible (a parent already written as a file, a path that names
    /// an existing directory), which the caller skips.
    @discardableResult
    public func writeIfPossible(_ bytes: some DataProtocol, to url: URL) -> Bool {
        try? FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
    }
}

/// The fuzzer's input as `Data` (copied: decoders may keep it).
public func fuzzInput(_ start: UnsafeRawPointer, _ count: Int) -> Data {
    Data(bytes: start, count: count)
}
