import Foundation

/// The lines of a JSON Lines file, read through a bounded buffer: memory holds one
/// chunk and the line being assembled, never the whole file.
enum ManifestLines {
    static let chunkBytes = 1 << 20

    /// Calls `body` with each line's 1-based number and bytes (without its `\n`), in order.
    /// - Returns: false when the file cannot be opened or read.
    static func forEach(in url: URL, _ body: (Int, Data) -> Void) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        var pending = Data()
        var line = 0
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
                if pending.isEmpty {
                    body(line, chunk[start..<newline])
                } else {
                    pending.append(chunk[start..<newline])
                    body(line, pending)
                    pending.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
            pending.append(chunk[start...])
        }
        if !pending.isEmpty { body(line + 1, pending) }
        return true
    }
}
