import EventLog
import Foundation
import PostgresEventStore

/// `labelledger-dev bench log --store postgres://…`: the event store's three workloads on the
/// embedded segment log and on PostgreSQL, one after the other in the same run, with the same
/// events, each PostgreSQL figure beside the embedded engine's:
/// - durable appends of 100-event batches by `batchAppenders` concurrent appenders (events/s);
/// - `writers` concurrent writers of durable single-event appends with command ids (events/s,
///   p50 and p99 latency);
/// - a catch-up read of the whole log (`events(from: 1)`, every check each engine makes; events/s);
/// - bytes stored per event (segment files; PostgreSQL's tables with their indexes and TOAST).
///
/// The PostgreSQL store lives in a schema of its own (`bench_<pid>_<random>`, added to the URL),
/// dropped at the end; a URL that names a schema is used only when that store is empty, and kept.
struct StoreBench {
    var events: [ProposedEvent]
    var storeURL: String
    var root: URL
    var writers: Int
    var appendsPerWriter: Int
    var batchAppenders: Int
    var batchSize: Int

    func run() async throws -> [String: Double] {
        var results: [String: Double] = [:]
        let log = try EventLog.open(directory: root.appendingPathComponent("store-bench-log"))
        try await measure(log, as: "log", into: &results)
        await log.close()
        results["log_bytes_per_event"] = Double(segmentBytes(root.appendingPathComponent("store-bench-log")))
            / Double(events.count + writers * appendsPerWriter)

        let namesSchema = URLComponents(string: storeURL)?.queryItems?.contains { $0.name == "schema" } ?? false
        let url = namesSchema ? storeURL
            : storeURL + (storeURL.contains("?") ? "&" : "?") + "schema=bench_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        let postgres = try await PostgresEventStore.open(url: url)
        let head = try await postgres.head
        guard head == 0 else {
            await postgres.close()
            throw StoreMigrationError.targetNotEmpty(target: "the --store schema", head: head)
        }
        do {
            try await measure(postgres, as: "postgres", into: &results)
            results["postgres_bytes_per_event"] = Double(try await postgres.storedBytes()) / Double(events.count + writers * appendsPerWriter)
        } catch {
            if namesSchema { await postgres.close() } else { try? await postgres.dropSchemaAndClose() }
            throw error
        }
        if namesSchema { await postgres.close() } else { try await postgres.dropSchemaAndClose() }

        for workload in ["batched_events_per_s", "writers_events_per_s", "replay_events_per_s"] {
            results["ratio_postgres_vs_log_\(workload)"] = results["postgres_\(workload)"]! / results["log_\(workload)"]!
        }
        results["store_batch_size"] = Double(batchSize)
        results["store_batch_appenders"] = Double(batchAppenders)
        results["store_writers"] = Double(writers)
        return results
    }

    /// The three workloads on `store` (empty, durable appends), as `<name>_…` figures.
    private func measure(_ store: some EventStore, as name: String, into results: inout [String: Double]) async throws {
        let clock = ContinuousClock()
        let all = events, size = batchSize
        let batches = stride(from: 0, to: all.count, by: size).map { Array(all[$0..<min($0 + size, all.count)]) }
        let appenders = batchAppenders
        let batched = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for appender in 0..<appenders {
                    group.addTask {
                        for index in stride(from: appender, to: batches.count, by: appenders) {
                            try await store.append(
                                stream: "dataset:b\(appender)", expectedVersion: .any, events: batches[index], commandID: nil)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        results["\(name)_batched_events_per_s"] = Double(all.count) / batched.seconds

        let (writers, perWriter) = (writers, appendsPerWriter)
        var latencies: [Duration] = []
        let concurrent = try await clock.measure {
            latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var mine: [Duration] = []
                        for i in 0..<perWriter {
                            let start = clock.now
                            try await store.append(
                                stream: "dataset:w\(writer)", expectedVersion: .any,
                                events: [all[(writer * perWriter + i) % all.count]], commandID: "w\(writer)-\(i)")
                            mine.append(clock.now - start)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        }
        latencies.sort()
        results["\(name)_writers_events_per_s"] = Double(writers * perWriter) / concurrent.seconds
        results["\(name)_writers_p50_ms"] = latencies[latencies.count / 2].milliseconds
        results["\(name)_writers_p99_ms"] = latencies[min(latencies.count - 1, latencies.count * 99 / 100)].milliseconds

        var read = 0
        let replay = try await clock.measure {
            for try await _ in store.events(from: 1) { read += 1 }
        }
        results["\(name)_replay_events_per_s"] = Double(read) / replay.seconds
    }

    /// `results` as one JSON object, or as a table under `title`.
    static func render(_ results: [String: Double], json: Bool, title: String) throws -> String {
        if json {
            return String(decoding: try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys]), as: UTF8.self)
        }
        return ([title] + results.keys.sorted().map { key in
            key.padding(toLength: 52, withPad: " ", startingAt: 0) + String(format: "%14.2f", results[key]!)
        }).joined(separator: "\n")
    }

    private func segmentBytes(_ directory: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".seg") }.reduce(0) { total, name in
            let size = (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.size] as? Int) ?? 0
            return total + (size ?? 0)
        }
    }
}
