import Foundation

/// The lines of a JSON Lines file, read through a bounded buffer: memory holds one
/// chunk and the line being assembled (at most ``maximumLineBytes``), never the whole file.
enum ManifestLines {
    static let chunkBytes = 1 << 20
    /// The longest line read (a sample with thousands of boxes stays far below it); the
    /// rest of a longer line is skipped unread, and the line reported through `oversized`.
    static let maximumLineBytes = 8 << 20

    /// Calls `body` with each line's 1-based number and bytes (without its `\n`), in order;
    /// a line longer than ``maximumLineBytes`` goes to `oversized` instead, with its number.
    /// - Returns: false when the file cannot be opened or read.
    static func forEach(in url: URL, oversized: (Int) -> Void, _ body: (Int, Data) -> Void) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        var pending = Data()
        var line = 0
        var skipping = false
        /// Adds to the line being assembled, or drops it once it is too long.
        func assemble(_ part: Data) {
            if skipping { return }
            if pending.count + part.count > maximumLineBytes {
                skipping = true
                pending = Data()
            } else {
                pending.append(part)
            }
        }
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: chunkBytes) ?? Data()
            } catch {
                return false
            }
            if chunk.isEmpty { break }
            var start = chunk.startIndex
            while let newline = chunk[start...].firstIndex(of: 0x0A) {
                line += 1
                if pending.isEmpty, !skipping, newline - start <= maximumLineBytes {
                    body(line, chunk[start..<newline])
                } else {
                    assemble(chunk[start..<newline])
                    if skipping { oversized(line) } else { body(line, pending) }
                    pending.removeAll(keepingCapacity: true)
                    skipping = false
                }
                start = newline + 1
            }
            assemble(chunk[start...])
        }
        if skipping {
            oversized(line + 1)
        } else if !pending.isEmpty {
            body(line + 1, pending)
        }
        return true
    }
}
