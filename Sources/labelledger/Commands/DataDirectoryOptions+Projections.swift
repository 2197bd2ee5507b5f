import ArgumentParser
import EventLog
import Foundation
import LabelLedgerCommandLine
import Projections

extension DataDirectoryOptions {
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
