import LabelingService
import Projections

/// Every failure of a read through ``LedgerQueries``: one typed error, each case with a
/// stable ``code`` and a human ``message`` naming the rule.
///
/// | Code | Case |
/// |---|---|
/// | LabelLedger.Query.001 | positionBeyondHead |
/// | LabelLedger.Query.002 | datasetNotFound |
/// | LabelLedger.Query.003 | invalidTime |
/// | (the cause's code) | projection, service |
///
/// A wrapped error answers with its cause's code, so a client sees the rule that failed,
/// whichever road the read took. Codes are never reused or renumbered.
public enum QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A projection read failed (``ProjectionError``).
    case projection(ProjectionError)
    /// Replaying the log failed (``ServiceError``: the log, or an undecodable event).
    case service(ServiceError)
    /// An as-of read named a position the log does not hold yet.
    case positionBeyondHead(position: UInt64, head: UInt64)
    /// The dataset did not exist at the position asked for (not created yet, or never).
    case datasetNotFound(dataset: String, position: UInt64)
    /// A time the log's clock cannot place (not a number, or outside its range).
    case invalidTime(String)

    public var code: String {
        switch self {
        case let .projection(error): error.code
        case let .service(error): error.code
        case .positionBeyondHead: "LabelLedger.Query.001"
        case .datasetNotFound: "LabelLedger.Query.002"
        case .invalidTime: "LabelLedger.Query.003"
        }
    }

    public var message: String {
        switch self {
        case let .projection(error): error.message
        case let .service(error): error.message
        case let .positionBeyondHead(position, head): "as_of_position \(position) is beyond the log head \(head)"
        case let .datasetNotFound(dataset, position): "dataset '\(dataset)' did not exist at position \(position)"
        case let .invalidTime(reason): "as_of_time: \(reason)"
        }
    }

    public var description: String { "[\(code)] \(message)" }
}
