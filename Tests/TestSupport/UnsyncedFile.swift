import Foundation

/// Writes test inputs without `fsync`. Foundation's `Data.write(to:)` syncs every file it
/// writes: thousands of synced writes from a test (a damaged segment per flipped byte, an
/// image per sample) cost seconds to minutes on a busy disk, and on the cooperative pool
/// they hold its threads and stall every other test of a parallel run. Test inputs need no
/// durability.
public enum UnsyncedFile {
    /// Writes `data` as the whole content of the file at `url` (created or truncated).
    public static func write(_ data: Data, to url: URL) throws {
        guard let file = fopen(url.path, "wb") else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
        let written = data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard fclose(file) == 0, written == data.count else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}
