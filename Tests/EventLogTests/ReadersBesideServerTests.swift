#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// Readers need no writer lock (issue 22): `replay --as-of-position` (with and without
/// `--dataset`), `replay --as-of-time`, `replay --verify` and `export` run beside a running
/// `labelledger serve` and answer exactly as they do once the server has stopped.
@Suite struct ReadersBesideServerTests {
    static var executable: URL? { BuiltExecutable.locate("labelledger") }

    func labelledger(_ arguments: [String]) async throws -> FinishedChild {
        let executable = try #require(Self.executable, "labelledger was not built beside the tests")
        return try await ChildProcess.run(executable, arguments: arguments, seconds: 120)
    }

    /// What the read-only commands print (and the COCO file export writes), in order.
    func readings(data: String, out: URL) async throws -> [String] {
        let commands: [[String]] = [
            ["replay", "--data", data, "--as-of-position", "2", "--dataset", "pets"],
            ["replay", "--data", data, "--as-of-position", "2", "--json"],
            ["replay", "--data", data, "--as-of-time", "4000000000", "--dataset", "pets"],
            ["replay", "--data", data, "--verify"],
            ["export", "--data", data, "--dataset", "pets", "--format", "coco", out.path],
        ]
        var results: [String] = []
        for arguments in commands {
            let result = try await labelledger(arguments)
            #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result)")
            results.append(result.output)
        }
        results.append(String(decoding: try Data(contentsOf: out), as: UTF8.self))
        return results
    }

    @Test func replay_and_export_answer_beside_a_running_server_as_after_it_stopped() async throws {
        let executable = try #require(Self.executable, "labelledger was not built beside the tests")
        let data = TemporaryDirectory()
        defer { data.cleanup() }
        let sources = data.url.appendingPathComponent("sources")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        var manifest = ""
        for i in 0..<3 {
            try TestPNG.pattern(width: 8, height: 6, seed: i).write(to: sources.appendingPathComponent("\(i).png"))
            manifest += #"{"source":"\#(i).png","annotation":[{"type":"modelarts/image_classification","name":"\#(i % 2 == 0 ? "cat" : "dog")"}]}"# + "\n"
        }
        let manifestURL = sources.appendingPathComponent("pets.manifest")
        try Data(manifest.utf8).write(to: manifestURL)
        let imported = try await labelledger(
            ["import", "--data", data.path + "/d", "--dataset", "pets", "--create", "--labels", "cat,dog", manifestURL.path])
        try #require(imported.status == 0, "\(imported)")

        let server = try await ChildProcess.start(
            executable, arguments: ["serve", "--data", data.path + "/d", "--port", "0", "--no-reactor"], errors: .collect)
        let started = await server.read { $0.contains("LabelLedger listening on") }
        guard started.contains("LabelLedger listening on") else {
            server.signal(SIGKILL)
            let finished = try await server.finish()
            Issue.record("the server did not start: \(finished)")
            return
        }
        let dataDirectory = data.path + "/d"
        let out = data.url.appendingPathComponent("pets.coco.json")
        let beside = try await readings(data: dataDirectory, out: out)
        server.signal(SIGTERM)
        let stopped = try await server.finish()
        #expect(stopped.status == 0, "\(stopped)")
        let after = try await readings(data: dataDirectory, out: out)
        #expect(beside == after)
        #expect(beside[0].contains("dataset pets"), "\(beside[0])")
        #expect(beside[4].contains("exported 3 sample(s)"), "\(beside[4])")
    }
}
