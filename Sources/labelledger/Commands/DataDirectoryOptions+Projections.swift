#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import EventLog
import Foundation
import Projections

extension DataDirectoryOptions {
    /// `<data>/projections`: the SQLite read models.
    var projectionDirectory: URL { url.appendingPathComponent("projections") }

    /// Opens the log and the projections, rebuilds stale projections and catches up, so
    /// the answers include every durable event. Fails when another process holds the log.
    func openProjected(progress: (@Sendable (RebuildProgress) -> Void)? = nil) async throws -> (EventLog, ProjectionStore, Projector) {
        let log = try EventLog.open(directory: logDirectory)
        let store = try ProjectionStore.open(directory: projectionDirectory)
        let projector = Projector(log: log, store: store)
        try await projector.start(progress: progress)
        return (log, store, projector)
    }
}

/// Parses the CLI's time arguments: ISO 8601 (`2026-11-24T07:00:00Z`, with or without
/// fractional seconds) or seconds since 1970.
struct TimeArgument: ExpressibleByArgument {
    let date: Date

    init?(argument: String) {
        if let seconds = Double(argument) {
            guard seconds.isFinite else { return nil }
            date = Date(timeIntervalSince1970: seconds)
            return
        }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let parsed = fractional.date(from: argument) ?? plain.date(from: argument) else { return nil }
        date = parsed
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

/// Rebuild progress for people: a redrawn bar with events/s and ETA on a terminal, one
/// plain line per second otherwise (logs, CI).
final class ProgressPrinter: Sendable {
    let isTerminal = isatty(STDOUT_FILENO) != 0
    private let lastPrint = Mutex<Double>(0)

    func report(_ progress: RebuildProgress) {
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

import Synchronization
