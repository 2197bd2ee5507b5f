import ArgumentParser
import AutoLabeling
import EventLog
import Foundation
import LabelLedgerCommandLine
import LabelingDomain
import LabelingService
import Projections

struct ProjectionBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Projection rebuild throughput and tab-query latency on a large generated dataset.",
        discussion: """
            Generates one dataset of --samples samples with about three events per sample \
            (one-sample events: adds, manual labels and relabels, auto labels, confirms, rejects, \
            hard marks found by a task or set and cleared by people), appended with durability \
            none. Then: a rebuild of every projection from position 0 (events/s), and p50/p99 of \
            100-sample tab pages for each filter (first pages and pages from random keyset \
            cursors). Baselines in the same run: reading and decoding the whole log without \
            SQLite and SQLite alone copying the rebuilt projections into a fresh file (the two \
            floors under a rebuild), and a one-sample primary-key lookup (the floor under a \
            tab query). Last, the live lag: with the projector following the log as a server's \
            does, one-sample events appended every 2 ms, and how long after each append is \
            acknowledged every projection has applied it (p50/p99/max).
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Samples in the generated dataset.") var samples = 1_000_000
    @Option(help: "Queries timed per filter.") var queries = 200
    @Option(help: "One-sample events appended, one every 2 ms, while the projector follows the log live (0: skip the live-lag phase).")
    var lagEvents = 2_000
    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @Flag(help: "Keep the generated log and projections under --data (to inspect them) instead of removing them.")
    var keep = false

    func run() async throws {
        let root = data.url.appendingPathComponent("bench-projections-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: root)
        defer { if !keep { try? FileManager.default.removeItem(at: root) } }
        let clock = ContinuousClock()
        var results: [String: Double] = [:]
        let log = try EventLog.open(directory: DataDirectory(root).log, configuration: .init(durability: .none))

        let generation = try await clock.measure { try await generate(log) }
        results["generated_events"] = Double(log.head)
        results["generate_events_per_s"] = Double(log.head) / generation.seconds
        if !json { print("generated \(log.head) events for \(samples) samples in \(String(format: "%.1f", generation.seconds)) s") }

        // Baseline: read and decode every event, no SQLite.
        let readElapsed = try clock.measure {
            var position: UInt64 = 1
            var decoded = 0
            while true {
                let batch = try log.read(from: position, limit: 50_000)
                guard let last = batch.last else { break }
                for event in batch where event.streamID.hasPrefix(StreamNames.datasetPrefix) {
                    _ = try DomainEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)
                    decoded += 1
                }
                position = last.position + 1
            }
            precondition(decoded == Int(log.head))
        }
        results["baseline_read_decode_events_per_s"] = Double(log.head) / readElapsed.seconds
        // The decode that feeds a rebuild: the walk in order, frames decoded on every core.
        var parallelDecoded = 0
        let parallelElapsed = try clock.measure {
            try log.readFrames(decode: { events in
                var decoded = 0
                for event in events where event.streamID.hasPrefix(StreamNames.datasetPrefix) {
                    _ = try DomainEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)
                    decoded += 1
                }
                return decoded
            }) { parallelDecoded += $0 }
        }
        precondition(parallelDecoded == Int(log.head))
        results["decode_all_cores_events_per_s"] = Double(log.head) / parallelElapsed.seconds

        let store = try ProjectionStore.open(directory: DataDirectory(root).projections)
        let projector = Projector(log: log, store: store)
        let printer = ProgressPrinter()
        let report = try await projector.rebuild { progress in if !json { printer.report(progress) } }
        results["rebuild_seconds"] = report.elapsed.seconds
        results["rebuild_events_per_s"] = report.eventsPerSecond
        results["ratio_rebuild_vs_read_decode"] = report.eventsPerSecond / results["baseline_read_decode_events_per_s"]!
        for (phase, duration) in report.phases { results["rebuild_\(phase)_seconds"] = duration.seconds }
        let sizes = try FileManager.default.contentsOfDirectory(atPath: store.directory.path).compactMap {
            try FileManager.default.attributesOfItem(atPath: store.directory.appendingPathComponent($0).path)[.size] as? Int
        }
        results["projection_mb"] = Double(sizes.reduce(0, +)) / 1_048_576
        // Baseline: SQLite alone writing the rebuilt rows and indexes again (the floor under the rebuild's SQLite work).
        var copyRows = Duration.zero, copyIndexes = Duration.zero
        for kind in ProjectionKind.allCases {
            let timing = try SQLiteCopyBaseline.measure(
                source: store.file(kind), scratch: root.appendingPathComponent("copy-\(kind.rawValue).sqlite"))
            results["baseline_sqlite_copy_\(kind.rawValue)_rows_seconds"] = timing.rows.seconds
            results["baseline_sqlite_copy_\(kind.rawValue)_indexes_seconds"] = timing.indexes.seconds
            copyRows += timing.rows
            copyIndexes += timing.indexes
        }
        let copy = copyRows + copyIndexes
        results["baseline_sqlite_copy_seconds"] = copy.seconds
        results["baseline_sqlite_copy_events_per_s"] = Double(log.head) / copy.seconds
        results["ratio_rebuild_vs_sqlite_copy"] = report.eventsPerSecond / results["baseline_sqlite_copy_events_per_s"]!
        results["rebuild_time_vs_sqlite_copy_time"] = report.elapsed.seconds / copy.seconds
        let bytes = try BenchDiskUsage(data: DataDirectory(root), store: store)
        for (file, size) in bytes.files { results["bytes_per_sample_\(file)"] = Double(size) / Double(samples) }
        results["bytes_per_sample_total"] = Double(bytes.total) / Double(samples)

        // Queries.
        let reader = ProjectionQueries(store: store)
        let dataset: DatasetID = "bench"
        var rng = SystemRandomNumberGenerator()
        var lookups: [Duration] = []
        for _ in 0..<queries {
            let id = SampleID("s\(Int.random(in: 0..<samples, using: &rng))")
            let start = clock.now
            _ = try reader.sample(id, in: dataset)
            lookups.append(clock.now - start)
        }
        let baselineP50 = percentile(lookups, 0.5)
        let baselineP99 = percentile(lookups, 0.99)
        results["baseline_lookup_p50_ms"] = baselineP50
        results["baseline_lookup_p99_ms"] = baselineP99
        let keys = try reader.samples(SampleQuery(dataset: dataset, order: .asc, limit: 1)).samples.first!.sortKey
            ... (try reader.samples(SampleQuery(dataset: dataset, order: .desc, limit: 1)).samples.first!.sortKey)
        let filters: [(String, SampleQuery)] = [
            ("all", SampleQuery(dataset: dataset)),
            ("all_asc", SampleQuery(dataset: dataset, order: .asc)),
            ("labeled", SampleQuery(dataset: dataset, tab: .labeled)),
            ("unlabeled", SampleQuery(dataset: dataset, tab: .unlabeled)),
            ("to_be_confirmed", SampleQuery(dataset: dataset, tab: .toBeConfirmed)),
            ("label", SampleQuery(dataset: dataset, labelName: "class-3")),
            ("labeled_label", SampleQuery(dataset: dataset, tab: .labeled, labelName: "class-3")),
            ("hard", SampleQuery(dataset: dataset, hard: true)),
            ("not_hard_labeled", SampleQuery(dataset: dataset, tab: .labeled, hard: false)),
            ("labeler_person", SampleQuery(dataset: dataset, labeler: .person("ana"))),
            ("labeler_active_learning", SampleQuery(dataset: dataset, labeler: .activeLearning)),
            ("score_0.9_1", SampleQuery(dataset: dataset, scoreRange: 0.9...1)),
            ("tbc_score_0.2_0.4", SampleQuery(dataset: dataset, tab: .toBeConfirmed, scoreRange: 0.2...0.4)),
            ("name_prefix", SampleQuery(dataset: dataset, namePrefix: "img-0004")),
            ("offset_5000", SampleQuery(dataset: dataset, tab: .labeled, offset: 5_000)),
        ]
        var rows: [(String, Double, Double, Int)] = []
        for (name, base) in filters {
            var latencies: [Duration] = []
            var returned = 0
            for n in 0..<queries {
                var query = base
                query.limit = 100
                if n % 2 == 1, query.offset == 0 {
                    query.cursor = SampleCursor(sortKey: Int64.random(in: keys, using: &rng), order: query.order)
                }
                let start = clock.now
                let page = try reader.samples(query)
                latencies.append(clock.now - start)
                returned += page.samples.count
            }
            let p50 = percentile(latencies, 0.5)
            let p99 = percentile(latencies, 0.99)
            results["query_\(name)_p50_ms"] = p50
            results["query_\(name)_p99_ms"] = p99
            results["query_\(name)_p99_vs_lookup_p99"] = p99 / baselineP99
            rows.append((name, p50, p99, returned / queries))
        }

        // Live lag: appends acknowledged → applied by every projection, with the projector following the log.
        var lag: LiveLagBench.Result?
        if lagEvents > 0 {
            let result = try await LiveLagBench(dataset: dataset, samples: samples, events: lagEvents)
                .run(log: log, store: store, projector: projector)
            results["live_lag_events"] = Double(result.lags.count)
            results["live_lag_append_rate_per_s"] = Double(result.lags.count) / result.elapsed.seconds
            results["live_lag_p50_ms"] = percentile(result.lags, 0.5)
            results["live_lag_p99_ms"] = percentile(result.lags, 0.99)
            results["live_lag_max_ms"] = percentile(result.lags, 1)
            lag = result
        }
        await log.close()

        if json {
            let bytes = try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys])
            print(String(decoding: bytes, as: UTF8.self))
            return
        }
        print("labelledger-dev bench projections  (\(samples) samples, \(Int(results["generated_events"]!)) events)")
        print(String(format: "rebuild: %.1f s, %.0f events/s; baseline read+decode %.0f events/s; ratio %.2f; projections %.0f MB",
            report.elapsed.seconds, report.eventsPerSecond, results["baseline_read_decode_events_per_s"]!,
            results["ratio_rebuild_vs_read_decode"]!, results["projection_mb"]!))
        print(String(format: "baseline SQLite copy of the rebuilt projections: %.1f s (rows %.1f s, indexes %.1f s), %.0f events/s; ratio %.2f",
            copy.seconds, copyRows.seconds, copyIndexes.seconds,
            results["baseline_sqlite_copy_events_per_s"]!, results["ratio_rebuild_vs_sqlite_copy"]!))
        print(String(format: "rebuild time / SQLite-copy floor time: %.2f×; decode on every core (the rebuild's feed): %.0f events/s",
            results["rebuild_time_vs_sqlite_copy_time"]!, results["decode_all_cores_events_per_s"]!))
        print("bytes per sample (no images): " + bytes.files.map { "\($0.name) " + String(format: "%.0f", Double($0.bytes) / Double(samples)) }
            .joined(separator: ", ") + String(format: "; total %.0f", results["bytes_per_sample_total"]!))
        print("rebuild phases: " + report.phases.sorted { $0.key < $1.key }
            .map { "\($0.key) " + String(format: "%.2f s", $0.value.seconds) }.joined(separator: ", "))
        print(String(format: "baseline primary-key lookup: p50 %.3f ms, p99 %.3f ms", baselineP50, baselineP99))
        print("filter".padding(toLength: 26, withPad: " ", startingAt: 0) + "   p50 ms    p99 ms   p99/lookup  rows/page")
        for (name, p50, p99, perPage) in rows {
            print(name.padding(toLength: 26, withPad: " ", startingAt: 0)
                + String(format: " %8.3f  %8.3f  %10.1f  %9d", p50, p99, p99 / baselineP99, perPage))
        }
        if let lag {
            print(String(format: "live lag (append acknowledged → applied by every projection), %d one-sample events at %.0f/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                lag.lags.count, results["live_lag_append_rate_per_s"]!, results["live_lag_p50_ms"]!,
                results["live_lag_p99_ms"]!, results["live_lag_max_ms"]!))
        }
    }

    private func percentile(_ values: [Duration], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))].seconds * 1000
    }

    // MARK: - Generation

    /// The ``BenchDatasetGenerator`` dataset of `samples` samples, appended in groups of 4,096.
    private func generate(_ log: EventLog) async throws {
        let stream = StreamNames.dataset(BenchDatasetGenerator.dataset)
        var pending: [ProposedEvent] = []
        try await BenchDatasetGenerator(samples: samples).generate { event, actor in
            let encoded = event.encode()
            pending.append(ProposedEvent(
                type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload, actor: actor))
            if pending.count >= 4096 {
                try await log.append(stream: stream, events: pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        if !pending.isEmpty { try await log.append(stream: stream, events: pending) }
    }
}
