import Foundation

/// The reactor's checkpoint: the last log position whose effects are complete, in
/// `<data>/reactor/checkpoint` (one decimal number), replaced atomically (write to a
/// temporary file, fsync, rename).
///
/// Invariant: it never passes the `AutoLabelTaskQueued` event of a task that is queued
/// or running in this process, so after a crash that event is read again and the task
/// resumes.
public struct ReactorCheckpoint: Sendable {
    public let url: URL

    public init(dataDirectory: URL) {
        url = dataDirectory.appendingPathComponent("reactor").appendingPathComponent("checkpoint")
    }

    /// The stored position, 0 when there is no checkpoint yet.
    public func load() throws(AutoLabelingError) -> UInt64 {
        guard FileManager.default.fileExists(atPath: url.path) else { return 0 }
        do {
            let text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let value = UInt64(text) else { throw AutoLabelingError.checkpointUnusable(path: url.path, reason: "'\(text)' is not a position") }
            return value
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
            try handle.write(contentsOf: Data("\(position)\n".utf8))
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
