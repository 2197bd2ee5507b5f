#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One open segment file, accessed with positional reads and writes only.
///
/// `@unchecked Sendable`: the descriptor is immutable after `init`, and `pread`/`pwrite`
/// carry their own offsets, so concurrent readers never share a file position. Writes
/// happen only on the log's single writer queue.
final class SegmentFile: @unchecked Sendable {
    let path: String
    let firstPosition: UInt64
    private let fd: Int32

    /// `<first position, 20 digits>.seg`, so a directory listing sorts by position.
    static func fileName(firstPosition: UInt64) -> String {
        let digits = String(firstPosition)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".seg"
    }

    /// The first position encoded in a segment file name, or nil for other files.
    static func firstPosition(fileName: String) -> UInt64? {
        guard fileName.hasSuffix(".seg"), fileName.count == 24 else { return nil }
        return UInt64(fileName.prefix(20))
    }

    init(directory: String, firstPosition: UInt64, writable: Bool, create: Bool = false) throws(LogError) {
        self.firstPosition = firstPosition
        self.path = directory + "/" + Self.fileName(firstPosition: firstPosition)
        var flags = writable ? O_RDWR : O_RDONLY
        if create { flags |= O_CREAT | O_EXCL }
        let fd = open(path, flags | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        self.fd = fd
    }

    deinit { close(fd) }

    var name: String { (path as NSString).lastPathComponent }

    func size() throws(LogError) -> UInt64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(operation: "fstat", path: path, errno: errno) }
        return UInt64(st.st_size)
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(at offset: UInt64, count: Int) throws(LogError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "pread", path: path, errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        if done < count { bytes.removeSubrange(done...) }
        return bytes
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: UInt64) throws(LogError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                pwrite(fd, buffer.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "pwrite", path: path, errno: errno)
            }
            done += n
        }
    }

    /// Makes written data durable (data and the file size, not other metadata).
    func sync() throws(LogError) {
        guard fdatasync(fd) == 0 else { throw .io(operation: "fdatasync", path: path, errno: errno) }
    }

    func truncate(to size: UInt64) throws(LogError) {
        guard ftruncate(fd, off_t(size)) == 0 else { throw .io(operation: "ftruncate", path: path, errno: errno) }
    }

    /// fsyncs a directory so that a created, renamed or removed entry is durable.
    static func syncDirectory(_ path: String) throws(LogError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open directory", path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io(operation: "fsync directory", path: path, errno: errno) }
    }

    /// The first positions of every segment in `directory`, ascending.
    static func list(directory: String) throws(LogError) -> [UInt64] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .io(operation: "list", path: directory, errno: ENOENT)
        }
        return names.compactMap(firstPosition(fileName:)).sorted()
    }
}
