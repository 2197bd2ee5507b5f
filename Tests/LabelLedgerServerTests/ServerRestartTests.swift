#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// A real `labelledger serve` stopped by a signal while a pre-label task's model runs, then
/// started again on the same data directory: the task finishes (it is never stranded at
/// status 1), a new task can be started, and the dataset can be deleted.
@Suite(.serialized) struct ServerRestartTests {
    @Test(arguments: [SIGTERM, SIGKILL])
    func a_task_interrupted_by_a_server_stop_finishes_after_the_restart(signal: Int32) async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let data = directory.file("data")
        let gated = GatedModel(directory: directory.file("model"), label: "cat")
        var server = try await ServerProcess.start(data: data, token: nil, log: directory.file("serve-1.log"))
        let token = server.token

        #expect(try await server.call("POST", "/v2/demo/models", json: [
            "model_name": "gated", "model_version": "1", "model_type": 0, "command": gated.commandLine,
        ]).status == 201)
        let created = try await server.call("POST", "/v2/demo/datasets", json: [
            "dataset_name": "pets", "dataset_type": 0, "labels": [["name": "cat"], ["name": "dog"]],
        ])
        let dataset = "/v2/demo/datasets/\(try #require(created.json["dataset_id"] as? String, "\(created.text)"))"
        try await addSamples(4, from: 0, to: dataset, on: server)
        let start: [String: Any] = ["task_type": "pre-label", "model_id": "gated:1"]
        let queued = try await server.call("POST", dataset + "/tasks", json: start)
        let task = dataset + "/tasks/\(try #require(queued.json["task_id"] as? String, "\(queued.text)"))"

        try await gated.waitUntilStarted()
        let running = try await server.call("GET", task)
        try await server.stop(with: signal)
        gated.open()
        server = try await ServerProcess.start(data: data, token: token, log: directory.file("serve-2.log"))

        let resumed = try await waitUntilEnded(task, on: server)
        try await addSamples(2, from: 4, to: dataset, on: server)
        let again = try await server.call("POST", dataset + "/tasks", json: start)
        let second = try await waitUntilEnded(dataset + "/tasks/\(again.json["task_id"] as? String ?? "?")", on: server)
        let deleted = try await server.call("DELETE", dataset)
        try await server.stop(with: SIGTERM)

        // While the model runs, the task is past decoding (20 %) and far from done.
        #expect(running.json["status"] as? Int == 1, "\(running.text)")
        #expect(running.json["progress"] as? Double == 20, "\(running.text)")
        #expect(resumed.json["status"] as? Int == 3, "\(resumed.text)")  // succeeded
        #expect(resumed.json["progress"] as? Double == 100)
        #expect((resumed.json["result"] as? [String: Any])?["annotated_sample_count"] as? Int == 4)
        #expect(again.status == 200, "\(again.text)")
        #expect(second.json["status"] as? Int == 3, "\(second.text)")
        #expect(deleted.status == 200, "\(deleted.text)")
    }

    /// Adds `count` unlabeled PNG samples named `s<first>.png`, ….
    func addSamples(_ count: Int, from first: Int, to dataset: String, on server: ServerProcess) async throws {
        let samples: [[String: Any]] = (first..<first + count).map {
            ["name": "s\($0).png", "data": TestPNG.pattern(width: 16, height: 16, seed: $0).base64EncodedString()]
        }
        let reply = try await server.call("POST", dataset + "/data-annotations/samples", json: ["samples": samples])
        #expect(reply.status == 200, "\(reply.text)")
    }

    /// Polls the task until its status is failed (2), succeeded (3) or stopped (5), at most `seconds`.
    func waitUntilEnded(_ task: String, on server: ServerProcess, seconds: Double = 60) async throws -> ServerProcess.Reply {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let reply = try await server.call("GET", task)
            if let status = reply.json["status"] as? Int, [2, 3, 5].contains(status) { return reply }
            if Date() > deadline {
                Issue.record("the task did not end within \(seconds) s: \(reply.text)")
                return reply
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
