import ArgumentParser
import EventLog
import Foundation
import Hummingbird
import LabelLedgerCommandLine
import LedgerComposition
import LabelLedgerServer
import LabelingDomain
import LabelingService
import Logging
import ServiceLifecycle

struct HTTPBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Tab listing and label-update throughput of the HTTP API, measured with wrk.",
        discussion: """
            Seeds a dataset of --samples samples (a third labeled by hand, 1 in 20 marked hard), \
            serves it on 127.0.0.1 in this process, and drives it with wrk (Debian package \
            `wrk`): GET /health as the baseline of the same server, tab listings of 100 samples, \
            and concurrent single-sample label updates (PUT, durability fsync). Prints req/s, \
            p50/p99 and ratios to the baseline.
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Samples in the dataset.") var samples = 1_000_000
    @Option(help: "Seconds per wrk run.") var seconds = 10
    @Option(help: "wrk connections.") var connections = 32
    @Option(help: "Port to serve on.") var port = 18_181
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func run() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else {
            throw ValidationError("wrk is not installed: apt-get install -y wrk")
        }
        let root = data.url.appendingPathComponent("bench-http-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: root)
        defer { try? FileManager.default.removeItem(at: root) }
        let runtime = try await LedgerRuntime(configuration: ServerConfiguration(
            dataDirectory: root, host: "127.0.0.1", port: port, runReactor: false))
        let clock = ContinuousClock()
        var results: [String: Double] = [:]

        let dataset = DatasetID("bench/d0")
        let seedElapsed = try await clock.measure {
            try await seed(runtime.service, dataset: dataset)
            try await runtime.settle(runtime.log.head)
        }
        results["seed_seconds"] = seedElapsed.seconds
        let token = try runtime.tokens.create(name: "bench", role: .admin, project: nil)
        let app = LedgerApplication.build(runtime: runtime)
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "labelledger.bench")))
        let server = Task { try await group.run() }
        defer { server.cancel() }
        try await Task.sleep(for: .milliseconds(500))

        let base = "http://127.0.0.1:\(port)"
        let samplesPath = "/v2/bench/datasets/d0/data-annotations/samples"
        let runs: [(String, String, String?)] = [
            ("health", base + "/health", nil),
            ("list_all", base + samplesPath + "?limit=100", nil),
            // Pages from random keyset cursors across the whole dataset: no two requests
            // read the same rows, so nothing stays hot in a cache but what a real client gets.
            ("list_all_random_pages", base + samplesPath, Self.randomPagesScript(path: samplesPath, head: runtime.log.head)),
            ("list_labeled_label", base + samplesPath + "?sample_state=__ALL__&label_name=c3&limit=100", nil),
            ("list_unlabeled_hard", base + samplesPath + "?sample_state=__NONE__&hard=1&limit=100", nil),
            ("update_one_sample", base + samplesPath, Self.updateScript(samples: samples)),
        ]
        for (name, url, script) in runs {
            let (rps, p50, p99, errors) = try await wrk(url: url, token: token, script: script, root: root)
            results["\(name)_req_per_s"] = rps
            results["\(name)_p50_ms"] = p50
            results["\(name)_p99_ms"] = p99
            if errors > 0 { results["\(name)_non_2xx"] = Double(errors) }
        }
        results["ratio_list_all_vs_health"] = results["list_all_req_per_s"]! / results["health_req_per_s"]!
        results["ratio_update_vs_health"] = results["update_one_sample_req_per_s"]! / results["health_req_per_s"]!
        // The server stops gracefully (finishing every request wrk left in flight) before the log closes.
        await group.triggerGracefulShutdown()
        _ = await server.result
        await runtime.close()

        if json {
            let bytes = try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys])
            print(String(decoding: bytes, as: UTF8.self))
        } else {
            print("labelledger-dev bench http  (\(samples) samples, wrk -t2 -c\(connections) -d\(seconds)s, \(ProcessInfo.processInfo.activeProcessorCount) cores)")
            for key in results.keys.sorted() {
                print(key.padding(toLength: 36, withPad: " ", startingAt: 0), String(format: "%14.2f", results[key]!))
            }
        }
    }

    /// The dataset: `samples` samples in batches of 10,000; a third labeled c0…c9; 1 in 20 hard.
    private func seed(_ service: DatasetService, dataset: DatasetID) async throws {
        let at = Instant(Date())
        _ = try await service.execute(
            .createDataset(id: dataset, name: "bench", typeCode: 0, labels: (0..<10).map { LabelDefinition(name: "c\($0)", color: "#336699") },
                           description: "", by: "bench", at: at),
            on: dataset, actor: "bench")
        var start = 0
        while start < samples {
            let range = start..<min(samples, start + 10_000)
            _ = try await service.execute(.addSamples(range.map { i in
                NewSample(
                    id: SampleID("s\(i)"), name: "img-\(i).png", sourcePath: "/bench/img-\(i).png", width: 640, height: 480,
                    channels: 3, contentSHA256: String(repeating: "b", count: 48) + String(format: "%016x", i))
            }, by: "bench"), on: dataset, actor: "bench")
            _ = try await service.execute(.updateSampleLabels(range.filter { $0 % 3 == 0 }.map {
                SampleLabelUpdate(sampleID: SampleID("s\($0)"), labels: [ManualLabel(name: "c\($0 % 10)")])
            }, by: "bench"), on: dataset, actor: "bench")
            _ = try await service.execute(.markHard(range.filter { $0 % 20 == 1 }.map { SampleID("s\($0)") }, reasonCodes: [1], coefficient: 0.5, by: "bench"), on: dataset, actor: "bench")
            start = range.upperBound
        }
    }

    /// GETs of 100-sample pages starting at random sort keys (`seq` = position << 20 | index).
    static func randomPagesScript(path: String, head: UInt64) -> String {
        """
        math.randomseed(11)
        request = function()
          local key = math.random(2, \(head)) * 1048576 + math.random(0, 9999)
          return wrk.format("GET", "\(path)?limit=100&cursor=s" .. string.format("%d", key) .. ".desc")
        end
        """
    }

    static func updateScript(samples: Int) -> String {
        """
        math.randomseed(7)
        wrk.method = "PUT"
        wrk.headers["Content-Type"] = "application/json"
        request = function()
          local id = math.random(0, \(samples - 1))
          local body = '{"samples":[{"sample_id":"s' .. id .. '","labels":[{"name":"c' .. (id % 10) .. '"}]}]}'
          return wrk.format(nil, nil, nil, body)
        end
        """
    }

    /// Runs wrk and returns (req/s, p50 ms, p99 ms, non-2xx responses).
    private func wrk(url: String, token: String, script: String?, root: URL) async throws -> (Double, Double, Double, Int) {
        var arguments = ["-t2", "-c\(connections)", "-d\(seconds)s", "--latency", "-H", "Authorization: Bearer \(token)"]
        if let script {
            let file = root.appendingPathComponent("wrk-\(UUID().uuidString.prefix(6)).lua")
            try script.write(to: file, atomically: true, encoding: .utf8)
            arguments += ["-s", file.path]
        }
        let output = String(decoding: try await ToolRun.output(of: "/usr/bin/wrk", arguments + [url]) ?? Data(), as: UTF8.self)
        func value(after prefix: String) -> String? {
            output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }
                .map { $0.trimmingCharacters(in: .whitespaces).dropFirst(prefix.count).trimmingCharacters(in: .whitespaces) }
        }
        func milliseconds(_ text: String?) -> Double {
            guard let text else { return .nan }
            let number = Double(text.filter { $0.isNumber || $0 == "." }) ?? .nan
            if text.hasSuffix("us") { return number / 1000 }
            if text.hasSuffix("ms") { return number }
            if text.hasSuffix("s") { return number * 1000 }
            return number
        }
        let rps = Double(value(after: "Requests/sec:") ?? "") ?? 0
        let errors = Int(value(after: "Non-2xx or 3xx responses:") ?? "0") ?? 0
        return (rps, milliseconds(value(after: "50%")), milliseconds(value(after: "99%")), errors)
    }
}
