import EventLog
import Foundation

/// Checks live projections against a fresh replay of the log: builds every projection
/// from position 0 in a scratch directory up to the live checkpoint, then compares
/// digests (and, on a mismatch, finds the first differing line of the dumps).
///
/// ```swift
/// let results = try ReplayVerifier.verify(store: store, log: log, scratch: data.appendingPathComponent(".verify"))
/// if results.contains(where: { !$0.matches }) { … }
/// ```
///
/// Never writes to the live projections or the log; the scratch directory is removed.
public enum ReplayVerifier {
    public struct Result: Sendable, Equatable {
        public var kind: ProjectionKind
        /// The live checkpoint the fresh replay was built up to.
        public var checkpoint: UInt64
        public var liveDigest: String
        public var replayDigest: String
        /// When the digests differ: `table`, line number in the dump, and both lines.
        public var firstDifference: String?
        public var matches: Bool { liveDigest == replayDigest }
    }

    public static func verify(store: ProjectionStore, log: EventLog, scratch: URL) throws(ProjectionError) -> [Result] {
        try? FileManager.default.removeItem(at: scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var results: [Result] = []
        for kind in ProjectionKind.allCases {
            let checkpoint = try store.checkpoint(kind)
            let directory = scratch.appendingPathComponent(kind.rawValue)
            let fresh = try ProjectionStore.open(directory: directory)
            _ = try Projector.catchUp(
                [fresh.generation(kind)], log: log, upTo: checkpoint, batchSize: 50_000, progress: nil)
            let live = try ProjectionDump.digest(of: kind, in: store)
            let replay = try ProjectionDump.digest(of: kind, in: fresh)
            var difference: String?
            if live != replay {
                let a = try ProjectionDump.text(of: kind, in: store).split(separator: "\n", omittingEmptySubsequences: false)
                let b = try ProjectionDump.text(of: kind, in: fresh).split(separator: "\n", omittingEmptySubsequences: false)
                var table = ""
                for i in 0..<max(a.count, b.count) {
                    let left = i < a.count ? String(a[i]) : "<end>"
                    let right = i < b.count ? String(b[i]) : "<end>"
                    if left.hasPrefix("## ") { table = left }
                    if left != right {
                        difference = "\(table) line \(i + 1): live '\(left)' vs replay '\(right)'"
                        break
                    }
                }
            }
            results.append(Result(kind: kind, checkpoint: checkpoint, liveDigest: live, replayDigest: replay, firstDifference: difference))
        }
        return results
    }
}
