import Foundation
import LabelingService

/// The reactor's checkpoint: the last log position whose effects are complete, in
/// `<data>/reactor/checkpoint`, replaced atomically (write to a temporary file, fsync,
/// rename).
///
/// Format: one line `v2 <position>` (decimal). Invariant of a `v2` checkpoint: it never passes
/// the `AutoLabelTaskQueued` event of a task whose end (succeeded, failed, stopped, or its
/// dataset deleted) is not in the log before it, so after any stop that event is read again
/// and the task resumes.
///
/// A bare number (the format before `v2`) was written by builds that could store a position
/// past the queued event of a task interrupted by a graceful shutdown, stranding it; such a
/// checkpoint is ``Loaded/untrusted(_:)``: the reactor reads the log from the start once,
/// tasks only, then stores a `v2` one.
public struct ReactorCheckpoint: Sendable {
    /// What ``load()`` found.
    public enum Loaded: Sendable, Equatable {
        /// A `v2` checkpoint (or none: position 0).
        case trusted(UInt64)
        /// A checkpoint of the older format, which may have passed unfinished tasks.
        case untrusted(UInt64)
    }

    public let url: URL

    public init(dataDirectory: URL) {
        url = DataDirectory(dataDirectory).reactorCheckpoint
    }

    /// The stored position, `.trusted(0)` when there is no checkpoint yet.
    public func load() throws(AutoLabelingError) -> Loaded {
        guard FileManager.default.fileExists(atPath: url.path) else { return .trusted(0) }
        do {
            let text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix("v2 "), let value = UInt64(text.dropFirst(3)) { return .trusted(value) }
            guard let value = UInt64(text) else { throw AutoLabelingError.checkpointUnusable(path: url.path, reason: "'\(text)' is not a position") }
            return .untrusted(value)
        } catch let error as AutoLabelingError {
            throw error
        } catch {
            throw .checkpointUnusable(path: url.path, reason: "\(error)")
        }
    }

    public func store(_ position: UInt64) throws(AutoLabelingError) {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = url.appendingPathExtension("tmp")
            let handle = try FileHandle(forWritingTo: {
                _ = FileManager.default.createFile(atPath: temporary.path, contents: nil)
                return temporary
            }())
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data("v2 \(position)\n".utf8))
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, url.path) != 0 {
                throw AutoLabelingError.checkpointUnusable(path: url.path, reason: "rename failed (errno \(errno))")
            }
        } catch let error as AutoLabelingError {
            throw error
        } catch {
            throw .checkpointUnusable(path: url.path, reason: "\(error)")
        }
    }
}
