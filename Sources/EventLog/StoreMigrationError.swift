import Foundation

/// Why copying a log from one store to another (``EventStoreCopy``, `labelledger migrate`) was
/// refused or stopped. Each case has a stable ``code`` (`LabelLedger.Store.1NN`, never reused).
/// Errors of a store itself stay ``LogError``s.
public enum StoreMigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The target already holds events: a copy goes only into an empty store.
    case targetNotEmpty(target: String, head: UInt64)
    /// A running process (a server) holds the data directory's log.
    case ownedByAnotherProcess(path: String)
    /// The source fails its own verification: nothing is copied from a damaged log.
    case sourceDamaged(source: String, problem: String)
    /// The target answered differently from the source (another position, a deduplicated
    /// command, a different digest): the copy is not the source.
    case copyDiverged(position: UInt64, reason: String)
    /// `--from` names a data directory that has no log.
    case noSourceLog(path: String)
    /// `--from` and `--to` name the same store.
    case sameStore(String)

    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .targetNotEmpty: "LabelLedger.Store.100"
        case .ownedByAnotherProcess: "LabelLedger.Store.101"
        case .sourceDamaged: "LabelLedger.Store.102"
        case .copyDiverged: "LabelLedger.Store.103"
        case .noSourceLog: "LabelLedger.Store.104"
        case .sameStore: "LabelLedger.Store.105"
        }
    }

    /// A human-readable explanation.
    public var message: String {
        switch self {
        case let .targetNotEmpty(target, head):
            "the target \(target) is not empty (it holds \(head) events): a log is copied only into an empty store"
        case let .ownedByAnotherProcess(path):
            "another process (a running server?) holds the log at \(path): stop it before migrating"
        case let .sourceDamaged(source, problem):
            "the source \(source) fails verification, nothing was copied: \(problem)"
        case let .copyDiverged(position, reason):
            "the copy differs from the source at position \(position): \(reason)"
        case let .noSourceLog(path):
            "there is no event log in \(path)"
        case let .sameStore(name):
            "--from and --to both name \(name)"
        }
    }

    public var description: String { "[\(code)] \(message)" }
}
