import ArgumentParser
import Foundation
import LabelLedgerCommandLine
import LedgerComposition
import LabelingDomain
import LabelingService

struct HTTPBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Throughput, latency and memory of the HTTP API, measured with wrk against a real server process.",
        discussion: """
            Seeds a data directory with one dataset of --samples samples (a third labeled by hand, \
            1 in 20 marked hard) and --datasets - 1 small ones (10 labels, 10 samples each) in one \
            project, then starts `labelledger serve --no-reactor` on it as a child process and drives \
            it with wrk (Debian package `wrk`): GET /health as the baseline of the same server, \
            GET /datasets (every dataset of the project), tab listings of 100 samples, dataset and \
            sample history, concurrent single-sample label updates (PUT, durability fsync) at \
            --update-connections beside /health at the same concurrency, and the as-of views \
            (dataset, stats, a page of samples at random positions of the big dataset). Prints \
            req/s, p50/p99, ratios to the baseline and the server's memory (VmRSS/VmHWM from \
            /proc/<pid>/status) after GET /datasets and at the end. --keep keeps the seeded \
            directory under --data and reuses it on the next run with the same sizes.
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Samples in the big dataset.") var samples = 1_000_000
    @Option(help: "Datasets in the project (the big one and small ones).") var datasets = 1_000
    @Option(help: "Seconds per wrk run.") var seconds = 10
    @Option(help: "wrk connections of the read runs.") var connections = 32
    @Option(help: "wrk connections of the label updates (and of their /health baseline).") var updateConnections = 64
    @Option(help: "wrk connections of the as-of runs (each request folds the dataset's stream).") var asOfConnections = 2
    @Option(help: "Seconds per as-of run (at least --seconds).") var asOfSeconds = 30
    @Option(help: "Port the server listens on.") var port = 18_181
    @Option(help: "Only these runs (comma-separated names; health always runs).") var only: String?
    @Option(help: "The labelledger executable to serve with (default: the one beside this one).") var server: String?
    @Flag(help: "Keep the seeded data directory under --data and reuse it when it is there.") var keep = false
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    /// What a kept directory holds, so a later run reuses it only for the same sizes.
    struct Seeded: Codable, Equatable {
        var samples: Int
        var datasets: Int
        /// The log head after the big dataset was seeded: as-of runs pick positions up to it.
        var bigDatasetHead: UInt64
    }

    /// One wrk run.
    struct Run {
        var name: String
        var path: String
        var script: String?
        var connections: Int
        var seconds: Int
        var timeoutSeconds = 10
    }

    func run() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else {
            throw ValidationError("wrk is not installed: apt-get install -y wrk")
        }
        guard datasets >= 1, samples >= 1 else { throw ValidationError("--samples and --datasets must be at least 1") }
        let executable = server.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("labelledger")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw ValidationError("no labelledger executable at \(executable.path) (build it, or pass --server)")
        }
        let root = data.url.appendingPathComponent(
            keep ? "bench-http-\(samples)-\(datasets)" : "bench-http-\(ProcessInfo.processInfo.processIdentifier)")
        defer { if !keep { try? FileManager.default.removeItem(at: root) } }
        let marker = root.appendingPathComponent("bench-http.json")
        var results: [String: Double] = [:]
        let wanted = Seeded(samples: samples, datasets: datasets, bigDatasetHead: 0)
        var seeded = (try? Data(contentsOf: marker)).flatMap { try? JSONDecoder().decode(Seeded.self, from: $0) }
        if seeded.map({ $0.samples != wanted.samples || $0.datasets != wanted.datasets }) ?? true {
            try? FileManager.default.removeItem(at: root)
            let clock = ContinuousClock()
            var head: UInt64 = 0
            let elapsed = try await clock.measure { head = try await seed(root) }
            results["seed_seconds"] = elapsed.seconds
            seeded = Seeded(samples: samples, datasets: datasets, bigDatasetHead: head)
            try JSONEncoder().encode(seeded).write(to: marker)
        }
        let bigHead = seeded!.bigDatasetHead

        let project = "/v2/bench"
        let samplesPath = project + "/datasets/d0/data-annotations/samples"
        let c = connections
        var runs: [Run] = [
            Run(name: "health", path: "/health", connections: c, seconds: seconds),
            Run(name: "datasets_list", path: project + "/datasets", connections: c, seconds: seconds),
            Run(name: "list_all", path: samplesPath + "?limit=100", connections: c, seconds: seconds),
            // Pages from random keyset cursors across the whole dataset: no two requests
            // read the same rows, so nothing stays hot in a cache but what a real client gets.
            Run(name: "list_all_random_pages", path: samplesPath, script: Self.randomPagesScript(path: samplesPath, head: bigHead),
                connections: c, seconds: seconds),
            Run(name: "list_labeled_label", path: samplesPath + "?sample_state=__ALL__&label_name=c3&limit=100", connections: c, seconds: seconds),
            Run(name: "list_unlabeled_hard", path: samplesPath + "?sample_state=__NONE__&hard=1&limit=100", connections: c, seconds: seconds),
            Run(name: "history_dataset", path: project + "/datasets/d0/history?limit=100", connections: c, seconds: seconds),
            Run(name: "history_sample", path: samplesPath, script: Self.sampleHistoryScript(path: samplesPath, samples: samples),
                connections: c, seconds: seconds),
            Run(name: "health_c\(updateConnections)", path: "/health", connections: updateConnections, seconds: seconds),
            Run(name: "update_one_sample_c\(updateConnections)", path: samplesPath, script: Self.updateScript(samples: samples),
                connections: updateConnections, seconds: seconds),
        ]
        let asOfDuration = max(seconds, asOfSeconds)
        for (name, path) in [
            ("asof_dataset", project + "/datasets/d0?"), ("asof_stats", project + "/datasets/d0/data-annotations/stats?"),
            ("asof_samples", samplesPath + "?limit=100&"),
        ] {
            runs.append(Run(
                name: name, path: path, script: Self.asOfScript(path: path, head: bigHead), connections: asOfConnections,
                seconds: asOfDuration, timeoutSeconds: asOfDuration))
        }
        if let only {
            let names = Set(only.split(separator: ",").map(String.init) + ["health"])
            runs = runs.filter { names.contains($0.name) }
        }

        let planned = runs
        let measured = try await BenchServerProcess.run(
            executable: executable, data: root, port: port, log: root.appendingPathComponent("server.log")
        ) { server in
            var results: [String: Double] = [:]
            func memory(_ key: String) {
                guard let memory = server.memory() else { return }
                results["rss_\(key)_mb"] = Double(memory.resident) / 1_048_576
                results["rss_peak_\(key)_mb"] = Double(memory.peak) / 1_048_576
            }
            memory("at_start")
            for run in planned {
                if run.name.hasPrefix("update_one_sample") {
                    // The first command loads the dataset's aggregate (its snapshot, or a fold of
                    // its whole stream): timed on its own, so the run measures the steady state.
                    results["update_first_request_ms"] = try await firstUpdate(server: server, path: samplesPath)
                }
                let figures = try await wrk(run, server: server, root: root)
                results["\(run.name)_req_per_s"] = figures.requestsPerSecond
                results["\(run.name)_p50_ms"] = figures.p50
                results["\(run.name)_p99_ms"] = figures.p99
                if run.seconds != seconds { results["\(run.name)_requests"] = Double(figures.requests) }
                if figures.errors > 0 { results["\(run.name)_non_2xx_or_timeouts"] = Double(figures.errors) }
                if run.name == "datasets_list" { memory("after_datasets_list") }
            }
            memory("at_end")
            return results
        }
        results.merge(measured) { $1 }
        if let health = results["health_req_per_s"], health > 0 {
            for name in ["datasets_list", "list_all", "list_all_random_pages", "list_labeled_label", "list_unlabeled_hard",
                         "history_dataset", "history_sample"] {
                if let rate = results["\(name)_req_per_s"] { results["ratio_\(name)_vs_health"] = rate / health }
            }
        }
        if let health = results["health_c\(updateConnections)_req_per_s"], health > 0,
            let updates = results["update_one_sample_c\(updateConnections)_req_per_s"]
        {
            results["ratio_update_vs_health_c\(updateConnections)"] = updates / health
        }

        if json {
            let bytes = try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys])
            print(String(decoding: bytes, as: UTF8.self))
        } else {
            print("""
                labelledger-dev bench http  (\(samples) samples, \(datasets) datasets, wrk -c\(connections) -d\(seconds)s, \
                updates -c\(updateConnections), as-of -c\(asOfConnections) -d\(asOfDuration)s, \
                \(ProcessInfo.processInfo.activeProcessorCount) cores)
                """)
            for key in results.keys.sorted() {
                print(key.padding(toLength: 40, withPad: " ", startingAt: 0), String(format: "%14.2f", results[key]!))
            }
        }
    }

    /// Seeds `root` through a runtime of this process (closed before the server starts):
    /// `bench/d0` with `samples` samples in batches of 10,000 (a third labeled c0…c9, 1 in 20
    /// hard), then `datasets - 1` small datasets, 32 at a time. Returns the log head after `d0`.
    private func seed(_ root: URL) async throws -> UInt64 {
        let runtime = try await LedgerRuntime(configuration: ServerConfiguration(dataDirectory: root, runReactor: false))
        do {
            let service = runtime.service
            let labels = (0..<10).map { LabelDefinition(name: "c\($0)", color: "#336699") }
            let at = Instant(Date())
            func create(_ dataset: DatasetID, samples: Int) async throws {
                _ = try await service.execute(
                    .createDataset(id: dataset, name: "bench-" + dataset.rawValue.split(separator: "/").last!, typeCode: 0, labels: labels, description: "", by: "bench", at: at),
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
                    let hard = range.filter { $0 % 20 == 1 }.map { SampleID("s\($0)") }
                    if !hard.isEmpty {
                        _ = try await service.execute(
                            .markHard(hard, reasonCodes: [1], coefficient: 0.5, by: "bench"), on: dataset, actor: "bench")
                    }
                    start = range.upperBound
                }
            }
            try await create(DatasetID("bench/d0"), samples: samples)
            let bigHead = runtime.log.head
            try await withThrowingTaskGroup(of: Void.self) { group in
                for k in 1..<datasets {
                    if k > 32 { try await group.next() }
                    group.addTask { try await create(DatasetID("bench/d\(k)"), samples: 10) }
                }
                try await group.waitForAll()
            }
            try await runtime.settle(runtime.log.head)
            await runtime.close()
            return bigHead
        } catch {
            await runtime.close()
            throw error
        }
    }

    /// GETs of 100-sample pages starting at random sort keys (`seq` = position << 20 | index).
    static func randomPagesScript(path: String, head: UInt64) -> String {
        """
        math.randomseed(11)
        request = function()
          local key = math.random(2, \(max(head, 2))) * 1048576 + math.random(0, 9999)
          return wrk.format("GET", "\(path)?limit=100&cursor=s" .. string.format("%d", key) .. ".desc")
        end
        """
    }

    /// GETs of one random sample's history.
    static func sampleHistoryScript(path: String, samples: Int) -> String {
        """
        math.randomseed(5)
        request = function()
          return wrk.format("GET", "\(path)/s" .. math.random(0, \(samples - 1)) .. "/history")
        end
        """
    }

    /// GETs of `path` as of a random position of the big dataset's stretch of the log.
    static func asOfScript(path: String, head: UInt64) -> String {
        """
        math.randomseed(3)
        request = function()
          return wrk.format("GET", "\(path)as_of_position=" .. math.random(1, \(max(head, 1))))
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

    /// One label update with curl (Debian `curl`); its wall time in milliseconds.
    private func firstUpdate(server: BenchServerProcess, path: String) async throws -> Double {
        let output = try await ToolRun.output(of: "/usr/bin/curl", [
            "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-X", "PUT", "-H", "Authorization: Bearer \(server.token)",
            "-H", "Content-Type: application/json", "-d", #"{"samples":[{"sample_id":"s0","labels":[{"name":"c0"}]}]}"#,
            server.url + path,
        ])
        let fields = String(decoding: output ?? Data(), as: UTF8.self).split(separator: " ")
        guard fields.count == 2, fields[0] == "200", let seconds = Double(fields[1]) else {
            throw ValidationError("the first label update failed: \(fields.joined(separator: " "))")
        }
        return seconds * 1000
    }

    struct Figures {
        var requestsPerSecond: Double
        var p50: Double
        var p99: Double
        var requests: Int
        /// Non-2xx/3xx responses and timeouts.
        var errors: Int
    }

    /// Runs wrk against the server.
    private func wrk(_ run: Run, server: BenchServerProcess, root: URL) async throws -> Figures {
        var arguments = [
            "-t\(min(2, run.connections))", "-c\(run.connections)", "-d\(run.seconds)s", "--timeout", "\(run.timeoutSeconds)s",
            "--latency", "-H", "Authorization: Bearer \(server.token)",
        ]
        if let script = run.script {
            let file = root.appendingPathComponent("wrk-\(run.name).lua")
            try script.write(to: file, atomically: true, encoding: .utf8)
            arguments += ["-s", file.path]
        }
        let output = String(decoding: try await ToolRun.output(of: "/usr/bin/wrk", arguments + [server.url + run.path]) ?? Data(), as: UTF8.self)
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        func value(after prefix: String) -> String? {
            lines.first { $0.hasPrefix(prefix) }.map { $0.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces) }
        }
        func milliseconds(_ text: String?) -> Double {
            guard let text else { return .nan }
            let number = Double(text.filter { $0.isNumber || $0 == "." }) ?? .nan
            if text.hasSuffix("us") { return number / 1000 }
            if text.hasSuffix("ms") { return number }
            if text.hasSuffix("m") { return number * 60_000 }
            if text.hasSuffix("s") { return number * 1000 }
            return number
        }
        // "1234 requests in 10.00s, 5.67MB read"; "Socket errors: connect 0, read 0, write 0, timeout 3".
        let requests = lines.first { $0.contains(" requests in ") }.flatMap { Int($0.prefix { $0.isNumber }) } ?? 0
        let timeouts = value(after: "Socket errors:").flatMap { $0.components(separatedBy: "timeout ").last }.flatMap { Int($0) } ?? 0
        return Figures(
            requestsPerSecond: Double(value(after: "Requests/sec:") ?? "") ?? 0, p50: milliseconds(value(after: "50%")),
            p99: milliseconds(value(after: "99%")), requests: requests,
            errors: (Int(value(after: "Non-2xx or 3xx responses:") ?? "0") ?? 0) + timeouts)
    }
}
