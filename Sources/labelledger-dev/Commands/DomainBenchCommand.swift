import ArgumentParser
import EventLog
import Foundation
import LabelLedgerCommandLine
import LabelingDomain
import LabelingService

struct DomainBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domain",
        abstract: "Manual label updates on a large dataset: throughput, latency, snapshots, cold start.",
        discussion: """
            Builds a dataset of --samples samples (durability fsync), then measures single-sample \
            label updates (commands/s, p50/p99), one 10,000-sample batch update, a snapshot, and \
            a cold start from that snapshot. Baselines in the same run: a bare durable log append \
            of the same event size (the floor under an update), and a cold start that replays the \
            whole stream without a snapshot.
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Samples in the dataset.") var samples = 1_000_000
    @Option(help: "Single-sample updates to time.") var updates = 2_000
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func run() async throws {
        let root = data.url.appendingPathComponent("bench-domain-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: root)
        defer { try? FileManager.default.removeItem(at: root) }
        let clock = ContinuousClock()
        var results: [String: Double] = [:]
        let dataset: DatasetID = "bench"
        let labels = (0..<10).map { LabelDefinition(name: "class-\($0)", color: "#0000\(String(format: "%02X", $0 * 20))") }
        let snapshotDirectory = DataDirectory(root).snapshots
        let now = Instant(Date())

        let log = try EventLog.open(directory: DataDirectory(root).log)
        let service = DatasetService(log: log, snapshotDirectory: snapshotDirectory, snapshotEvery: .max)
        _ = try await service.execute(
            .createDataset(id: dataset, name: "bench", typeCode: 0, labels: labels, description: "", by: "bench", at: now),
            on: dataset, actor: "bench")
        let addElapsed = try await clock.measure {
            var added = 0
            while added < samples {
                let n = min(10_000, samples - added)
                let batch = (added..<(added + n)).map { i in
                    NewSample(
                        id: SampleID("s\(i)"), name: "img-\(i).png", sourcePath: "/data/img-\(i).png", width: 640,
                        height: 480, channels: 3, contentSHA256: String(repeating: "a", count: 48) + String(format: "%016x", i))
                }
                _ = try await service.execute(.addSamples(batch, by: "bench"), on: dataset, actor: "bench")
                added += n
            }
        }
        results["add_samples_per_s"] = Double(samples) / addElapsed.seconds

        // Baseline: a bare durable append of an event the size of a one-sample update.
        let probe = DomainEvent.sampleLabelsReplaced(SampleLabelsReplaced(
            samples: [LabelReplacement(
                sampleID: "s1", previousState: .unlabeled, previousLabels: [],
                newLabels: [SampleLabel(name: "class-1", annotator: .human("bench"))])],
            by: "bench")).encode()
        var baseline: [Duration] = []
        for _ in 0..<min(updates, 500) {
            let start = clock.now
            try await log.append(stream: "baseline", events: [ProposedEvent(type: probe.type, payload: probe.payload, actor: "bench")])
            baseline.append(clock.now - start)
        }
        results["baseline_log_append_p50_ms"] = percentile(baseline, 0.5)
        results["baseline_log_append_p99_ms"] = percentile(baseline, 0.99)

        var generator = SystemRandomNumberGenerator()
        var latencies: [Duration] = []
        let updateElapsed = try await clock.measure {
            for n in 0..<updates {
                let id = Int.random(in: 0..<samples, using: &generator)
                let start = clock.now
                let outcome = try await service.execute(
                    .updateSampleLabels([SampleLabelUpdate(sampleID: SampleID("s\(id)"), labels: [ManualLabel(name: "class-\(n % 10)")])], by: "bench"),
                    on: dataset, actor: "bench")
                latencies.append(clock.now - start)
                precondition(outcome.decision.results.allSatisfy(\.success))
            }
        }
        results["update_commands_per_s"] = Double(updates) / updateElapsed.seconds
        results["update_p50_ms"] = percentile(latencies, 0.5)
        results["update_p99_ms"] = percentile(latencies, 0.99)
        results["ratio_update_p50_vs_bare_append"] = results["update_p50_ms"]! / results["baseline_log_append_p50_ms"]!

        let batchElapsed = try await clock.measure {
            let updates = (0..<10_000).map { i in
                SampleLabelUpdate(sampleID: SampleID("s\((i * 97) % samples)"), labels: [ManualLabel(name: "class-\(i % 10)")])
            }
            _ = try await service.execute(.updateSampleLabels(updates, by: "bench"), on: dataset, actor: "bench")
        }
        results["batch_10000_update_ms"] = batchElapsed.milliseconds

        let snapshotElapsed = try await clock.measure { try await service.snapshot(dataset) }
        results["snapshot_write_ms"] = snapshotElapsed.milliseconds
        let snapshotFile = service.snapshots.directory
        let snapshotBytes = (try? FileManager.default.contentsOfDirectory(atPath: snapshotFile.path))?
            .compactMap { try? FileManager.default.attributesOfItem(atPath: snapshotFile.path + "/" + $0)[.size] as? Int }
            .reduce(0, +) ?? 0
        results["snapshot_mb"] = Double(snapshotBytes) / 1_048_576
        // Events after the snapshot, replayed at cold start.
        for n in 0..<100 {
            _ = try await service.execute(
                .updateSampleLabels([SampleLabelUpdate(sampleID: SampleID("s\(n)"), labels: [ManualLabel(name: "class-2")])], by: "bench"),
                on: dataset, actor: "bench")
        }
        let expected = try await service.state(of: dataset)

        let cold = DatasetService(log: log, snapshotDirectory: snapshotDirectory)
        let coldElapsed = try await clock.measure { _ = try await cold.state(of: dataset) }
        let coldReport = await cold.loadReport(dataset)
        precondition(coldReport?.snapshotVersion != nil, "cold start did not use the snapshot")
        let coldState = try await cold.state(of: dataset)
        precondition(coldState == expected, "cold start state differs")
        results["cold_start_from_snapshot_ms"] = coldElapsed.milliseconds

        let replay = DatasetService(log: log, snapshotDirectory: root.appendingPathComponent("no-snapshots"))
        let replayElapsed = try await clock.measure { _ = try await replay.state(of: dataset) }
        let replayedState = try await replay.state(of: dataset)
        precondition(replayedState == expected, "replayed state differs")
        results["cold_start_full_replay_ms"] = replayElapsed.milliseconds
        results["ratio_full_replay_vs_snapshot"] = replayElapsed.seconds / coldElapsed.seconds
        await log.close()

        if json {
            let bytes = try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys])
            print(String(decoding: bytes, as: UTF8.self))
        } else {
            print("labelledger-dev bench domain  (\(samples) samples, \(updates) single-sample updates, durability fsync)")
            for key in results.keys.sorted() {
                print(key.padding(toLength: 36, withPad: " ", startingAt: 0), String(format: "%14.2f", results[key]!))
            }
        }
    }

    private func percentile(_ values: [Duration], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))].milliseconds
    }
}
