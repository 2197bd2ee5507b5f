import EventLog
import LabelingDomain

/// Every failure of command handling, with the stable code and message of its cause.
public enum ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The command was refused by a labeling rule.
    case rule(DomainError)
    /// The log refused or failed the append or a read.
    case log(LogError)
    /// A stored event could not be decoded: the log holds something this code cannot read.
    case undecodableEvent(position: UInt64, type: String, reason: String)
    /// Other writers kept changing the dataset while the command was being decided.
    case tooManyConflicts(dataset: String, attempts: Int)
    /// The command named the dataset version it was decided for (a client's `If-Match`) and
    /// the dataset is at another: nothing was appended. The API's 412, with its code.
    case staleVersion(dataset: String, expected: UInt64, actual: UInt64)

    public var code: String {
        switch self {
        case let .rule(error): error.code
        case let .log(error): error.code
        case .undecodableEvent: "LabelLedger.Service.001"
        case .tooManyConflicts: "LabelLedger.Service.002"
        case .staleVersion: "LabelLedger.API.412"
        }
    }

    public var message: String {
        switch self {
        case let .rule(error): error.message
        case let .log(error): error.message
        case let .undecodableEvent(position, type, reason):
            "the event at position \(position) (type \(type)) cannot be decoded: \(reason)"
        case let .tooManyConflicts(dataset, attempts):
            "dataset '\(dataset)' changed concurrently \(attempts) times while deciding the command; retry it"
        case let .staleVersion(_, expected, actual):
            "the dataset is at version \(actual), If-Match expected \(expected)"
        }
    }

    /// The HTTP status an API should answer with.
    public var httpStatus: Int {
        switch self {
        case let .rule(error): error.httpStatus
        case let .log(error):
            if case .wrongExpectedVersion = error { 409 } else if case .commandIDReused = error { 409 }
            // The command is too large for one event: the client's to split, nothing was written.
            else if case .eventTooLarge = error { 413 } else { 500 }
        case .undecodableEvent: 500
        case .tooManyConflicts: 409
        case .staleVersion: 412
        }
    }

    public var description: String { "[\(code)] \(message)" }
}
