#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import Testing
import TestSupport

/// Issue 22's "done when": one data directory, many processes. A real server takes a steady
/// stream of label updates while the operator's tools run beside it — `history`, `replay
/// --as-of-position`, `replay --verify`, `export --format coco`, `verify`, and `import` and
/// `rebuild` (through the server), and `GET …/export`. Every one succeeds; the exports equal the one made at the
/// same position once the server has stopped; no acknowledged update is lost. A dataset
/// imported from the command line is listed and served by the API, and the id the API shows
/// works in every command (with `--project`).
@Suite(.serialized) struct OneDataDirectoryEndToEndTests {
    /// The last label each sample was acknowledged with, and how many updates were.
    final class Acknowledged: Sendable {
        let state = Mutex<(labels: [String: String], count: Int, failures: [String])>(([:], 0, []))
        /// Set to stop the writer after its update in flight is answered (never cancelled
        /// mid-request: a cancelled update may land unacknowledged).
        let stop = Mutex(false)
    }

    static func labelledger(_ arguments: [String]) async throws -> FinishedChild {
        try await WritesThroughServerTests.labelledger(arguments)
    }

    @Test func the_operator_tools_run_beside_a_server_taking_label_updates() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let data = directory.file("data")
        let server = try await ServerProcess.start(data: data, token: nil, log: directory.file("serve.log"))
        let created = try await server.call("POST", "/v2/demo/datasets", json: [
            "dataset_name": "pets", "dataset_type": 0, "labels": [["name": "cat"], ["name": "dog"]],
        ])
        let apiID = try #require(created.json["dataset_id"] as? String, "\(created.text)")
        let dataset = "/v2/demo/datasets/\(apiID)"
        let samples: [[String: Any]] = (0..<8).map {
            ["name": "s\($0).png", "data": TestPNG.pattern(width: 16, height: 12, seed: $0).base64EncodedString()]
        }
        let added = try await server.call("POST", dataset + "/data-annotations/samples", json: ["samples": samples])
        let ids = (added.json["results"] as? [[String: Any]] ?? []).compactMap { $0["sample_id"] as? String }
        try #require(ids.count == 8, "\(added.text)")

        // The stream of label updates: one writer, each update acknowledged before the next.
        let acknowledged = Acknowledged()
        // Yields once 10 updates are acknowledged, and ends when the writer stops or fails on.
        let (tenAcknowledged, tenContinuation) = AsyncStream<Void>.makeStream()
        let writing = Task {
            defer { tenContinuation.finish() }
            var step = 0
            while !acknowledged.stop.withLock({ $0 }) {
                let sample = ids[step % ids.count], label = (step / ids.count) % 2 == 0 ? "cat" : "dog"
                step += 1
                // An update without an answer may or may not have landed: send it again (the
                // same labels) until it is answered, so the last acknowledged label is the truth.
                var reply: ServerProcess.Reply?
                for _ in 0..<5 where reply == nil {
                    reply = try? await server.call(
                        "PUT", dataset + "/data-annotations/samples",
                        json: ["samples": [["sample_id": sample, "labels": [["name": label]]]]])
                }
                let (count, failed) = acknowledged.state.withLock {
                    if let reply, reply.status == 200 {
                        $0.labels[sample] = label
                        $0.count += 1
                    } else {
                        $0.failures.append(reply?.text ?? "no answer")
                    }
                    return ($0.count, $0.failures.count)
                }
                if count == 10 { tenContinuation.yield() }
                if failed > 20 { return }
            }
        }
        // Let some updates land before the tools start.
        for await _ in tenAcknowledged { break }
        try #require(acknowledged.state.withLock { $0.count } >= 10, "\(acknowledged.state.withLock { $0.failures.prefix(3) })")
        let position = try #require(try await server.call("GET", "/health").json["log_head"] as? Int)
        let coco = directory.file("beside.coco.json")
        let scoped = ["--project", "demo", "--dataset", apiID]
        let source = try WritesThroughServerTests.folder(directory.url, "trees")
        let runs: [[String]] = [
            ["history", "--data", data.path] + scoped,
            ["replay", "--data", data.path, "--as-of-position", "\(position)"] + scoped,
            ["replay", "--data", data.path, "--verify"],
            ["export", "--data", data.path, "--format", "coco", "--as-of-position", "\(position)"] + scoped + [coco.path],
            ["verify", "--data", data.path],
            ["import", "--data", data.path, "--project", "demo", "--dataset", "trees", "--create", source.path],
            ["rebuild", "--data", data.path],
        ]
        // The API's export at the same position, streamed by the server beside the writes.
        let served = try await server.call("GET", dataset + "/export?format=coco&as_of_position=\(position)")
        #expect(served.status == 200, "\(served.text.prefix(300))")
        var results: [FinishedChild] = []
        for arguments in runs {
            let result = try await Self.labelledger(arguments)
            #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result)")
            results.append(result)
        }
        acknowledged.stop.withLock { $0 = true }
        _ = await writing.result
        #expect(results[0].output.contains("created dataset 'pets'"), "\(results[0])")
        #expect(results[1].output.contains("as of position \(position)"), "\(results[1])")
        #expect(results[5].errors.contains("through the server"), "\(results[5])")
        #expect(results[6].errors.contains("through the server"), "\(results[6])")

        // The imported dataset: listed and served by the API, its API id good in every command.
        let listed = try await server.call("GET", "/v2/demo/datasets")
        let names = (listed.json["datasets"] as? [[String: Any]] ?? []).compactMap { $0["dataset_id"] as? String }
        #expect(Set(names) == [apiID, "trees"], "\(listed.text)")
        let page = try await server.call("GET", "/v2/demo/datasets/trees/data-annotations/samples?limit=50")
        #expect((page.json["samples"] as? [Any])?.count == 6, "\(page.text)")
        let trees = ["--project", "demo", "--dataset", "trees"]
        for arguments in [
            ["history", "--data", data.path] + trees,
            ["export", "--data", data.path, "--format", "manifest"] + trees + [directory.file("trees.manifest").path],
        ] {
            let result = try await Self.labelledger(arguments)
            #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result)")
        }
        let head = try #require(try await server.call("GET", "/health").json["log_head"] as? Int)
        let treesNow = try await Self.labelledger(["replay", "--data", data.path, "--as-of-position", "\(head)"] + trees)
        #expect(treesNow.status == 0 && treesNow.output.contains("dataset demo/trees"), "\(treesNow)")

        try await server.stop(with: SIGTERM)
        let after = directory.file("after.coco.json")
        let again = try await Self.labelledger(
            ["export", "--data", data.path, "--format", "coco", "--as-of-position", "\(position)"] + scoped + [after.path])
        #expect(again.status == 0, "\(again)")
        #expect(try Data(contentsOf: coco) == Data(contentsOf: after), "the export beside the server differs from the one after it")
        #expect(try served.body == Data(contentsOf: after), "the API's export differs from the command line's at the same position")

        // No acknowledged update is lost: every sample ends with the label it was last given.
        let final = directory.file("final.manifest")
        let exported = try await Self.labelledger(["export", "--data", data.path, "--format", "manifest"] + scoped + [final.path])
        #expect(exported.status == 0, "\(exported)")
        var labels: [String: String] = [:]
        for line in try String(contentsOf: final, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let annotation = (object["annotation"] as? [[String: Any]])?.first
            labels[object["id"] as? String ?? "?"] = annotation?["name"] as? String
        }
        let (expected, count, failures) = acknowledged.state.withLock { ($0.labels, $0.count, $0.failures) }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(count >= 10)
        for (sample, label) in expected {
            #expect(labels[sample] == label, "sample \(sample): acknowledged \(label), exported \(labels[sample] ?? "none")")
        }
    }
}
