#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import EventLog
import Foundation
import LabelLedgerCommandLine

struct LogBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Append, group-commit, read and reopen throughput of the event log.",
        discussion: """
            Baselines, measured in the same run: a bare pwrite+fdatasync loop of the same \
            record size (what one durable append costs the disk), and the single-writer \
            append loop (what group commit improves on).
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Sequential durable appends for the single-writer and bare-fsync runs.")
    var syncAppends = 300
    @Option(help: "Concurrent writers for the group-commit run.")
    var writers = 32
    @Option(help: "Events appended with durability .none for the throughput and read runs.")
    var events = 200_000
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func run() async throws {
        let root = data.url.appendingPathComponent("bench-log-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let payload = Data((0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let clock = ContinuousClock()
        var results: [String: Double] = [:]

        // Baseline: bare pwrite + fdatasync of one record-sized buffer per "append".
        let rawPath = root.appendingPathComponent("raw.bin").path
        let fd = open(rawPath, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ValidationError("cannot create \(rawPath)") }
        let record = [UInt8](repeating: 0xAB, count: payload.count + 120)
        let rawElapsed = clock.measure {
            for i in 0..<syncAppends {
                _ = record.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(i * record.count)) }
                fdatasync(fd)
            }
        }
        close(fd)
        results["baseline_raw_fsync_per_s"] = Double(syncAppends) / rawElapsed.seconds

        // One writer, durable appends: each waits for its own fdatasync.
        let syncLog = try EventLog.open(directory: root.appendingPathComponent("sync"))
        var latencies: [Duration] = []
        let singleElapsed = try await clock.measure {
            for i in 0..<syncAppends {
                let start = clock.now
                try await syncLog.append(stream: "s", events: [ProposedEvent(type: "Bench", payload: payload, actor: "bench")], commandID: "one-\(i)")
                latencies.append(clock.now - start)
            }
        }
        results["fsync_1_writer_appends_per_s"] = Double(syncAppends) / singleElapsed.seconds
        latencies.sort()
        results["fsync_1_writer_p50_ms"] = latencies[latencies.count / 2].milliseconds
        results["fsync_1_writer_p99_ms"] = latencies[min(latencies.count - 1, latencies.count * 99 / 100)].milliseconds

        // Many writers, durable appends: group commit shares one fdatasync.
        let perWriter = max(1, syncAppends * 10 / writers)
        let groupElapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    group.addTask {
                        for i in 0..<perWriter {
                            try await syncLog.append(
                                stream: "w\(w)", events: [ProposedEvent(type: "Bench", payload: payload, actor: "bench")],
                                commandID: "w\(w)-\(i)")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        results["fsync_\(writers)_writers_appends_per_s"] = Double(perWriter * writers) / groupElapsed.seconds
        await syncLog.close()

        // Throughput without sync, batches of 1,000 events.
        let bulkDirectory = root.appendingPathComponent("bulk")
        let bulk = try EventLog.open(directory: bulkDirectory, configuration: .init(durability: .none))
        let batch = 1000
        let bulkElapsed = try await clock.measure {
            var appended = 0
            while appended < events {
                let n = min(batch, events - appended)
                let proposed = (0..<n).map { i in
                    ProposedEvent(type: "Bench", payload: payload, actor: "bench", eventID: .random())
                        .with(correlation: "c\((appended + i) % 97)")
                }
                try await bulk.append(stream: "dataset-\(appended / 50_000)", events: proposed)
                appended += n
            }
        }
        results["none_batched_events_per_s"] = Double(events) / bulkElapsed.seconds
        var count = 0
        let readElapsed = try await clock.measure {
            for try await _ in bulk.events(from: 1) { count += 1 }
        }
        precondition(count == events, "read \(count) of \(events) events")
        results["read_all_events_per_s"] = Double(events) / readElapsed.seconds
        await bulk.close()
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: bulkDirectory.path)
            .filter { $0.hasSuffix(".seg") }
            .reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: bulkDirectory.path + "/" + $1)[.size] as? Int) ?? 0) }
        results["bytes_on_disk_per_event"] = Double(onDisk) / Double(events)
        let reopenElapsed = try clock.measure {
            _ = try EventLog.open(directory: bulkDirectory, configuration: .init(durability: .none))
        }
        results["reopen_ms"] = reopenElapsed.milliseconds
        let verifyElapsed = try clock.measure {
            let report = try EventLog.verify(directory: bulkDirectory)
            precondition(report.isClean, "\(report)")
        }
        results["verify_events_per_s"] = Double(events) / verifyElapsed.seconds

        results["ratio_1_writer_vs_raw_fsync"] = results["fsync_1_writer_appends_per_s"]! / results["baseline_raw_fsync_per_s"]!
        results["ratio_group_commit_vs_1_writer"] =
            results["fsync_\(writers)_writers_appends_per_s"]! / results["fsync_1_writer_appends_per_s"]!
        results["ratio_read_vs_append_none"] = results["read_all_events_per_s"]! / results["none_batched_events_per_s"]!

        if json {
            let bytes = try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys])
            print(String(decoding: bytes, as: UTF8.self))
        } else {
            print("labelledger-dev bench log  (payload \(payload.count) B; \(ProcessInfo.processInfo.activeProcessorCount) cores)")
            for key in results.keys.sorted() {
                print(key.padding(toLength: 36, withPad: " ", startingAt: 0), String(format: "%14.2f", results[key]!))
            }
        }
    }
}

extension ProposedEvent {
    fileprivate func with(correlation: String) -> ProposedEvent {
        var copy = self
        copy.correlationID = correlation
        return copy
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1000 }
}
