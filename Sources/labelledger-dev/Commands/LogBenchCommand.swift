#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import EventLog
import Foundation
import LabelLedgerCommandLine
import LabelingDomain
import LabelingService

struct LogBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Durable append, group-commit, replay and size of the event log, each beside its floor.",
        discussion: """
            The events are a generated dataset's domain events (BenchDatasetGenerator: one-sample \
            adds, labels, auto labels, confirms, rejects and hard marks). Every figure is printed \
            beside a baseline measured in the same run:
            - durable single appends (one writer, then --writers concurrent writers sharing group \
            commits; p50/p99 latency) against a bare pwrite+fdatasync loop of the same record size;
            - durable 100-event batches (one appender, then --batch-appenders concurrent ones) \
            against a plain SQLite events table (WAL, synchronous=FULL, one transaction per \
            batch, the same events and payloads, a unique (stream, version));
            - replay of the batched log (read, checksums, hash chain, LZ4, records, decode to \
            domain events; frames decoded on every core, and on one) against the LZ4 C library \
            alone decompressing the same frames' payloads in this process (one thread, bytes \
            already in memory);
            - bytes on disk (segments) against the same events written as JSON lines (envelope \
            and payload in protobuf's JSON mapping).
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Samples in the generated dataset (about 2.9 events each).") var samples = 100_000
    @Option(help: "Sequential durable appends for the single-writer and bare-fsync runs.")
    var syncAppends = 1_000
    @Option(help: "Concurrent single-event durable writers.") var writers = 64
    @Option(help: "Durable appends per concurrent writer.") var appendsPerWriter = 200
    @Option(help: "Concurrent appenders of 100-event batches (log and SQLite alike).") var batchAppenders = 4
    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @Option(help: "A postgres:// URL: run the store workloads (batched appends, --writers writers, replay) on the embedded log and on PostgreSQL instead (StoreBench).")
    var store: String?

    static let batchSize = 100

    func run() async throws {
        let root = data.url.appendingPathComponent("bench-log-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let clock = ContinuousClock()
        var results: [String: Double] = [:]

        var events: [ProposedEvent] = []
        await BenchDatasetGenerator(samples: samples).generate { event, actor in
            let encoded = event.encode()
            events.append(ProposedEvent(
                type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload, actor: actor))
        }
        let proposed = events
        results["events"] = Double(proposed.count)
        if let store {
            results.merge(
                try await StoreBench(
                    events: proposed, storeURL: store, root: root, writers: writers, appendsPerWriter: appendsPerWriter,
                    batchAppenders: batchAppenders, batchSize: Self.batchSize
                ).run()
            ) { $1 }
            print(try StoreBench.render(results, json: json, title: "labelledger-dev bench log --store (\(proposed.count) domain events)"))
            return
        }
        let meanPayload = proposed.reduce(0) { $0 + $1.payload.count } / proposed.count
        results["mean_payload_bytes"] = Double(meanPayload)

        // Baseline: bare pwrite + fdatasync of one record-sized buffer per "append".
        let rawPath = root.appendingPathComponent("raw.bin").path
        let fd = open(rawPath, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ValidationError("cannot create \(rawPath)") }
        let record = [UInt8](repeating: 0xAB, count: meanPayload + 120)
        let syncAppends = syncAppends
        let rawElapsed = await onThread {
            clock.measure {
                for i in 0..<syncAppends {
                    _ = record.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(i * record.count)) }
                    fdatasync(fd)
                }
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
                try await syncLog.append(stream: "dataset:one", events: [proposed[i % proposed.count]], commandID: "one-\(i)")
                latencies.append(clock.now - start)
            }
        }
        results["fsync_1_writer_appends_per_s"] = Double(syncAppends) / singleElapsed.seconds
        results["fsync_1_writer_p50_ms"] = percentile(latencies, 0.5)
        results["fsync_1_writer_p99_ms"] = percentile(latencies, 0.99)

        // Many writers, durable single-event appends: group commit shares one fdatasync.
        let (writers, perWriter) = (writers, appendsPerWriter)
        var groupLatencies: [Duration] = []
        let groupElapsed = try await clock.measure {
            groupLatencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
                for w in 0..<writers {
                    group.addTask {
                        var mine: [Duration] = []
                        mine.reserveCapacity(perWriter)
                        for i in 0..<perWriter {
                            let start = clock.now
                            try await syncLog.append(
                                stream: "dataset:w\(w)", events: [proposed[(w * perWriter + i) % proposed.count]],
                                commandID: "w\(w)-\(i)")
                            mine.append(clock.now - start)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        }
        await syncLog.close()
        results["fsync_concurrent_writers"] = Double(writers)
        results["fsync_concurrent_events_per_s"] = Double(perWriter * writers) / groupElapsed.seconds
        results["fsync_concurrent_p50_ms"] = percentile(groupLatencies, 0.5)
        results["fsync_concurrent_p99_ms"] = percentile(groupLatencies, 0.99)

        // Durable 100-event batches: the log, then a plain SQLite events table.
        let batchedDirectory = root.appendingPathComponent("batched")
        for appenders in Set([1, batchAppenders]).sorted() {
            let directory = appenders == 1 ? batchedDirectory : root.appendingPathComponent("batched-\(appenders)")
            let log = try EventLog.open(directory: directory)
            let elapsed = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for a in 0..<appenders {
                        group.addTask {
                            for (n, start) in stride(from: a * Self.batchSize, to: proposed.count, by: appenders * Self.batchSize)
                                .enumerated()
                            {
                                try await log.append(
                                    stream: "dataset:a\(a)", expectedVersion: .exact(UInt64(n * Self.batchSize)),
                                    events: Array(proposed[start..<min(start + Self.batchSize, proposed.count)]))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            await log.close()
            let sqlite = try await onThread {
                try SQLiteEventsTableBaseline.measure(
                    path: root.appendingPathComponent("events-\(appenders).sqlite").path, events: proposed,
                    batchSize: Self.batchSize, appenders: appenders)
            }
            results["batched_\(appenders)_appenders_log_events_per_s"] = Double(proposed.count) / elapsed.seconds
            results["batched_\(appenders)_appenders_sqlite_events_per_s"] = Double(proposed.count) / sqlite.seconds
            results["ratio_batched_\(appenders)_appenders_log_vs_sqlite"] =
                results["batched_\(appenders)_appenders_log_events_per_s"]! / results["batched_\(appenders)_appenders_sqlite_events_per_s"]!
        }

        // Replay of the one-appender batched log, decoded to domain events.
        let replayLog = try EventLog.open(directory: batchedDirectory)
        for (name, concurrency) in [("replay", ProcessInfo.processInfo.activeProcessorCount), ("replay_1_thread", 1)] {
            let (decoded, elapsed) = try await onThread {
                var decoded = 0
                let elapsed = try clock.measure {
                    try replayLog.readFrames(concurrency: concurrency, decode: { frame in
                        try frame.map { try DomainEvent.decode(type: $0.type, schemaVersion: $0.schemaVersion, payload: $0.payload) }
                    }) { domainEvents in decoded += domainEvents.count }
                }
                return (decoded, elapsed)
            }
            precondition(decoded == proposed.count, "replayed \(decoded) of \(proposed.count) events")
            results["\(name)_domain_events_per_s"] = Double(decoded) / elapsed.seconds
        }
        let lz4 = try await onThread { try LZ4ReadBaseline.measure(directory: batchedDirectory) }
        precondition(lz4.events == proposed.count, "LZ4 baseline saw \(lz4.events) of \(proposed.count) events")
        results["baseline_lz4_events_per_s"] = Double(lz4.events) / lz4.elapsed.seconds
        results["baseline_lz4_mb_out_per_s"] = Double(lz4.uncompressedBytes) / 1_048_576 / lz4.elapsed.seconds
        results["ratio_replay_vs_lz4"] = results["replay_domain_events_per_s"]! / results["baseline_lz4_events_per_s"]!

        // Bytes on disk against JSON lines of the same events.
        var jsonBytes = 0
        for try await event in replayLog.events(from: 1) {
            let domain = try DomainEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)
            jsonBytes += Self.jsonLine(event, payload: try domain.jsonPayload()).utf8.count
        }
        await replayLog.close()
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: batchedDirectory.path)
            .filter { $0.hasSuffix(".seg") }
            .reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: batchedDirectory.path + "/" + $1)[.size] as? Int) ?? 0) }
        results["bytes_on_disk_per_event"] = Double(onDisk) / Double(proposed.count)
        results["baseline_json_lines_bytes_per_event"] = Double(jsonBytes) / Double(proposed.count)
        results["ratio_json_lines_vs_on_disk"] = Double(jsonBytes) / Double(onDisk)

        let reopenElapsed = try clock.measure {
            _ = try EventLog.openReadOnly(directory: batchedDirectory)
        }
        results["reopen_ms"] = reopenElapsed.milliseconds
        let verifyElapsed = try clock.measure {
            let report = try EventLog.verify(directory: batchedDirectory)
            precondition(report.isClean, "\(report)")
        }
        results["verify_events_per_s"] = Double(proposed.count) / verifyElapsed.seconds

        results["ratio_1_writer_vs_raw_fsync"] = results["fsync_1_writer_appends_per_s"]! / results["baseline_raw_fsync_per_s"]!
        results["ratio_concurrent_writers_vs_raw_fsync"] =
            results["fsync_concurrent_events_per_s"]! / results["baseline_raw_fsync_per_s"]!

        if json {
            let bytes = try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys])
            print(String(decoding: bytes, as: UTF8.self))
        } else {
            print("labelledger-dev bench log  (\(proposed.count) domain events, mean payload \(meanPayload) B; "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores)")
            for key in results.keys.sorted() {
                print(key.padding(toLength: 46, withPad: " ", startingAt: 0), String(format: "%14.2f", results[key]!))
            }
        }
    }

    /// One event as a JSON line: the envelope's fields and the payload as JSON.
    static func jsonLine(_ event: RecordedEvent, payload: String) -> String {
        "{\"position\":\(event.position),\"stream_id\":\(quoted(event.streamID)),\"stream_version\":\(event.streamVersion),"
            + "\"event_id\":\"\(event.eventID.uuidString)\",\"event_type\":\(quoted(event.type)),"
            + "\"schema_version\":\(event.schemaVersion),"
            + "\"recorded_at_micros\":\(Int64((event.recordedAt.timeIntervalSince1970 * 1_000_000).rounded())),"
            + "\"actor\":\(quoted(event.actor)),\"command_id\":\(quoted(event.commandID)),"
            + "\"correlation_id\":\(quoted(event.correlationID)),\"payload\":\(payload)}\n"
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private func percentile(_ values: [Duration], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))].milliseconds
    }
}

/// Runs blocking work (fsync loops, SQLite, a parallel replay) on a thread of its own,
/// off the cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: body()) }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1000 }
}
