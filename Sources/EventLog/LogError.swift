import Foundation

/// Every failure the event log reports.
///
/// Each case has a stable ``code`` (`LabelLedger.Log.NNN`, never reused) and a
/// human ``message`` that names the rule that was broken and the offending item:
/// the segment file, byte offset and global position for corruption, the stream and
/// both versions for a concurrency conflict.
public enum LogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `append` was called with `ExpectedVersion.exact(expected)` but the stream is at `actual`.
    case wrongExpectedVersion(stream: String, expected: UInt64, actual: UInt64)
    /// `append` was called with no events.
    case emptyAppend(stream: String)
    /// A stream id must be 1...256 UTF-8 bytes.
    case invalidStreamID(String)
    /// A command id was reused for another stream; idempotency only holds for the same append.
    case commandIDReused(commandID: String, originalStream: String, stream: String)
    /// One event's encoded record exceeds the frame limit.
    case eventTooLarge(stream: String, bytes: Int, limit: Int)
    /// A frame or segment header failed its checks: the log is corrupt at that exact place.
    case corruption(segment: String, offset: UInt64, position: UInt64, reason: String)
    /// The stream index has seen events the log no longer holds: acknowledged data is missing.
    case missingAcknowledgedEvents(logHead: UInt64, indexedHead: UInt64)
    /// A file operation failed.
    case io(operation: String, path: String, errno: Int32)
    /// An earlier write failed; the log refuses appends until it is reopened (and recovered).
    case failed(reason: String)
    /// The log was closed.
    case closed
    /// The data directory is locked by another process.
    case locked(path: String)
    /// The stream index database failed.
    case index(reason: String)
    /// The log was opened read-only (``EventLog/openReadOnly(directory:)``): it takes no appends.
    case readOnly(path: String)
    /// The database an engine keeps the log in (PostgreSQL) failed or could not be reached;
    /// an append that reports it may or may not have been written (retry it with its command id).
    case store(reason: String)
    /// The database holds a log schema newer than this build knows: it refuses to touch it.
    case storeSchemaTooNew(found: Int, supported: Int)
    /// A store address (`postgres://…`) that cannot be used.
    case invalidStoreURL(String, reason: String)

    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .wrongExpectedVersion: "LabelLedger.Log.001"
        case .emptyAppend: "LabelLedger.Log.002"
        case .invalidStreamID: "LabelLedger.Log.003"
        case .commandIDReused: "LabelLedger.Log.004"
        case .eventTooLarge: "LabelLedger.Log.005"
        case .corruption: "LabelLedger.Log.101"
        case .missingAcknowledgedEvents: "LabelLedger.Log.102"
        case .io: "LabelLedger.Log.201"
        case .failed: "LabelLedger.Log.202"
        case .closed: "LabelLedger.Log.203"
        case .locked: "LabelLedger.Log.204"
        case .index: "LabelLedger.Log.205"
        case .readOnly: "LabelLedger.Log.206"
        case .store: "LabelLedger.Log.380"
        case .storeSchemaTooNew: "LabelLedger.Log.381"
        case .invalidStoreURL: "LabelLedger.Log.382"
        }
    }

    /// A sentence naming the rule and the offending item.
    public var message: String {
        switch self {
        case let .wrongExpectedVersion(stream, expected, actual):
            "optimistic concurrency: stream '\(stream)' is at version \(actual), the append expected \(expected)"
        case let .emptyAppend(stream):
            "an append must carry at least one event (stream '\(stream)')"
        case let .invalidStreamID(id):
            "a stream id must be 1 to 256 bytes of UTF-8, got '\(id.prefix(64))' (\(id.utf8.count) bytes)"
        case let .commandIDReused(commandID, originalStream, stream):
            "command id '\(commandID)' was already used for stream '\(originalStream)', cannot reuse it for '\(stream)'"
        case let .eventTooLarge(stream, bytes, limit):
            "an event of \(bytes) bytes for stream '\(stream)' exceeds the limit of \(limit) bytes per event"
        case let .corruption(segment, offset, position, reason):
            "log corruption in segment \(segment) at byte offset \(offset) (position \(position)): \(reason)"
        case let .missingAcknowledgedEvents(logHead, indexedHead):
            "the log ends at position \(logHead) but its index has seen position \(indexedHead): "
                + "acknowledged events \(logHead + 1)...\(indexedHead) are missing (restore the log from a backup, "
                + "or delete index.sqlite to accept the loss)"
        case let .io(operation, path, errno):
            "\(operation) failed for \(path): \(String(cString: strerror(errno))) (errno \(errno))"
        case let .failed(reason):
            "the log refuses appends after an earlier failure (\(reason)); reopen it to recover"
        case .closed:
            "the log is closed"
        case let .locked(path):
            "the data directory is in use by another process (lock \(path))"
        case let .index(reason):
            "stream index: \(reason)"
        case let .readOnly(path):
            "the log at \(path) was opened read-only: it takes no appends"
        case let .store(reason):
            "the database behind the event store failed: \(reason)"
        case let .storeSchemaTooNew(found, supported):
            "the database holds log schema version \(found), this build knows versions up to \(supported): upgrade labelledger"
        case let .invalidStoreURL(url, reason):
            "store address '\(url.prefix(200))' cannot be used: \(reason)"
        }
    }

    /// Whether the error tells of damaged or unavailable storage (corruption, missing
    /// acknowledged events, a failed file operation, a log that refuses appends after one,
    /// the stream index failing) rather than of a request the log refused.
    public var isStorageDamage: Bool {
        switch self {
        case .corruption, .missingAcknowledgedEvents, .io, .failed, .index, .store, .storeSchemaTooNew: true
        default: false
        }
    }

    public var description: String { "[\(code)] \(message)" }
}
