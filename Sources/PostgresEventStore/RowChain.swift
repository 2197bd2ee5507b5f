import Crypto
import Foundation

/// The hash chain of the PostgreSQL store, one link per row: the segment log's rule (each
/// unit names the SHA-256 of the one before it, see `Sources/EventLog/FORMAT.md`) with a row in
/// place of a frame.
///
/// `hash(n) = SHA-256(hash(n − 1) ‖ record(n))`, `hash(0)` = 32 zero bytes, where `record(n)` is
/// the serialized `labelledger.log.EventRecord` of position *n*. Changing any byte of a record
/// changes its hash; re-hashing it breaks the next row's link; re-hashing every later row
/// contradicts the hash anchored in the `head` row.
enum RowChain {
    static let zeroHash = [UInt8](repeating: 0, count: 32)

    static func hash(previous: [UInt8], record: some DataProtocol) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: record)
        return Array(hasher.finalize())
    }
}
