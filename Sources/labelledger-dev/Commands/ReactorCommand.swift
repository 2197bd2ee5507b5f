import ArgumentParser
import AutoLabeling
import EventLog
import Foundation
import LabelLedgerCommandLine
import LabelingService
#if canImport(Glibc)
import Glibc
#endif

/// Runs the auto-labeling reactor alone over a data directory until SIGTERM/SIGINT.
/// A test child: the server runs the reactor in-process; this runs it alone, for crash tests
/// that kill it mid-task.
struct ReactorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reactor",
        abstract: "Run the auto-labeling reactor over a data directory until interrupted.",
        discussion: """
            Opens <data>/log for writing, resumes from <data>/reactor/checkpoint and runs queued \
            auto-labeling tasks. With --print-events, prints one line per event the reactor appends \
            ("EVENT <position> <type>"), for tests that kill it mid-task. With \
            --stop-after-auto-labels N it also stops itself (SIGSTOP) right after printing its Nth \
            SamplesAutoLabeled event, so that a parent's SIGKILL lands mid-task however late the \
            parent reads.
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Tasks running at once.") var workers = 1
    @Option(help: "Samples per auto-label command.") var batchSize = 100
    @Flag(help: "Print every event the reactor appends.") var printEvents = false
    @Option(help: "With --print-events: SIGSTOP this process after printing the Nth SamplesAutoLabeled event.")
    var stopAfterAutoLabels: Int?

    func run() async throws {
        let log = try EventLog.open(directory: data.logDirectory)
        let service = DatasetService(log: log, snapshotDirectory: data.directory.snapshots)
        let reactor = AutoLabelingReactor(
            log: log, service: service, dataDirectory: data.url,
            configuration: .init(workers: workers, batchSize: batchSize))
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let head = log.head
        let printEvents = printEvents
        let stopAfterAutoLabels = stopAfterAutoLabels
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await reactor.run() }
            group.addTask {
                // Ends the group on SIGTERM/SIGINT.
                let signals = [SIGTERM, SIGINT].map { DispatchSource.makeSignalSource(signal: $0) }
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let once = OnceFlag()
                    for source in signals {
                        source.setEventHandler { if once.take() { continuation.resume() } }
                        source.resume()
                    }
                }
                signals.forEach { $0.cancel() }
            }
            if printEvents {
                group.addTask {
                    Self.say("REACTOR STARTED")
                    var autoLabels = 0
                    for try await event in log.subscribe(from: head + 1) where event.actor == reactor.configuration.actor {
                        Self.say("EVENT \(event.position) \(event.type)")
                        guard event.type == "SamplesAutoLabeled" else { continue }
                        autoLabels += 1
                        if autoLabels == stopAfterAutoLabels { raise(SIGSTOP) }
                    }
                }
            }
            _ = try await group.next()
            group.cancelAll()
        }
        await log.close()
    }

    /// Writes one line to stdout unbuffered (a parent process reads it while we run).
    static func say(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }
}

/// A flag that can be taken once (signal handlers may fire on several queues).
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = false

    func take() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if taken { return false }
        taken = true
        return true
    }
}
