#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Projections
import Synchronization

/// Rebuild progress for people: a redrawn bar with events/s and ETA on a terminal, one
/// plain line per second otherwise (logs, CI).
public final class ProgressPrinter: Sendable {
    public let isTerminal = isatty(STDOUT_FILENO) != 0
    private let lastPrint = Mutex<Double>(0)

    public init() {}

    public func report(_ progress: RebuildProgress) {
        let now = ProcessInfo.processInfo.systemUptime
        let due = lastPrint.withLock { last in
            let done = progress.applied >= progress.target
            guard done || now - last >= (isTerminal ? 0.1 : 1) else { return false }
            last = now
            return true
        }
        guard due else { return }
        let rate = Int(progress.eventsPerSecond)
        let eta = progress.eta.map { String(format: "%.0fs", Double($0.components.seconds)) } ?? "?"
        let names = progress.projections.map(\.rawValue).joined(separator: ",")
        if isTerminal {
            let width = 30
            let filled = Int(progress.fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            print("\r\(names) \(bar) \(String(format: "%5.1f", progress.fraction * 100))%  \(progress.applied)/\(progress.target) events  \(rate) ev/s  ETA \(eta)   ", terminator: "")
            if progress.applied >= progress.target { print("") }
            fflush(nil)
        } else {
            print("rebuild \(names): \(progress.applied)/\(progress.target) events, \(rate) events/s, ETA \(eta)")
        }
    }
}
