import EventLog
import Foundation
import GRDB
import LabelingDomain

/// Every failure of the Projections module: one typed error, each case with a stable
/// ``code`` and a human ``message`` that names the rule and the offending item.
///
/// | Code | Case |
/// |---|---|
/// | LabelLedger.Projection.001 | database |
/// | LabelLedger.Projection.002 | log |
/// | LabelLedger.Projection.003 | undecodableEvent |
/// | LabelLedger.Projection.004 | unknownProjection |
/// | LabelLedger.Projection.005 | invalidQuery |
/// | LabelLedger.Projection.006 | datasetNotFound |
/// | LabelLedger.Projection.007 | positionBeyondHead |
/// | LabelLedger.Projection.008 | io |
/// | LabelLedger.Projection.009 | checkpointAheadOfLog |
/// | LabelLedger.Projection.010 | rebuildInProgress |
///
/// Codes are never reused or renumbered.
public enum ProjectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// SQLite refused an operation on a projection database.
    case database(projection: String, reason: String)
    /// Reading the event log failed.
    case log(reason: String)
    /// An event of a dataset stream cannot be decoded by the domain: the projector stops
    /// rather than skip a fact.
    case undecodableEvent(position: UInt64, type: String, reason: String)
    /// `rebuild --projection NAME` named no projection.
    case unknownProjection(String)
    /// A query parameter is out of its documented range (limit 1–100, cursor, score range…).
    case invalidQuery(field: String, reason: String)
    case datasetNotFound(DatasetID)
    /// An as-of query asked for a position the log does not hold yet.
    case positionBeyondHead(position: UInt64, head: UInt64)
    case io(path: String, reason: String)
    /// A projection claims events the log does not hold: it describes another log.
    case checkpointAheadOfLog(projection: String, checkpoint: UInt64, head: UInt64)
    /// A rebuild of this projection is already running.
    case rebuildInProgress(projection: String)

    public var code: String {
        switch self {
        case .database: "LabelLedger.Projection.001"
        case .log: "LabelLedger.Projection.002"
        case .undecodableEvent: "LabelLedger.Projection.003"
        case .unknownProjection: "LabelLedger.Projection.004"
        case .invalidQuery: "LabelLedger.Projection.005"
        case .datasetNotFound: "LabelLedger.Projection.006"
        case .positionBeyondHead: "LabelLedger.Projection.007"
        case .io: "LabelLedger.Projection.008"
        case .checkpointAheadOfLog: "LabelLedger.Projection.009"
        case .rebuildInProgress: "LabelLedger.Projection.010"
        }
    }

    public var message: String {
        switch self {
        case let .database(projection, reason):
            "projection '\(projection)': database error: \(reason)"
        case let .log(reason):
            "reading the event log failed: \(reason)"
        case let .undecodableEvent(position, type, reason):
            "event at position \(position) (type \(type)) cannot be decoded: \(reason)"
        case let .unknownProjection(name):
            "no projection is named '\(name)' (known: \(ProjectionKind.allCases.map(\.rawValue).joined(separator: ", ")))"
        case let .invalidQuery(field, reason):
            "invalid query parameter '\(field)': \(reason)"
        case let .datasetNotFound(id):
            "dataset '\(id)' does not exist at this point of the log"
        case let .positionBeyondHead(position, head):
            "position \(position) is beyond the log head \(head)"
        case let .io(path, reason):
            "\(path): \(reason)"
        case let .checkpointAheadOfLog(projection, checkpoint, head):
            "projection '\(projection)' has applied events up to \(checkpoint) but the log ends at \(head)"
        case let .rebuildInProgress(projection):
            "projection '\(projection)' is already being rebuilt"
        }
    }

    public var description: String { "\(code): \(message)" }

    static func wrap(_ projection: String, _ error: any Error) -> ProjectionError {
        if let error = error as? ProjectionError { return error }
        if let error = error as? DatabaseError {
            return .database(projection: projection, reason: error.description)
        }
        if let error = error as? LogError { return .log(reason: error.description) }
        return .database(projection: projection, reason: "\(error)")
    }
}
