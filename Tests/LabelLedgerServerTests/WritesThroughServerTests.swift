#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// Writes from the command line reach a running server (issue 22): while `labelledger serve`
/// holds the data directory, it advertises itself in `server/serving.json` (mode 0600,
/// removed at a clean stop), and `import` and `rebuild` go through it with the same output as
/// when they hold the directory themselves; a notice left by a killed server is ignored.
@Suite(.serialized) struct WritesThroughServerTests {
    static func labelledger(_ arguments: [String]) async throws -> FinishedChild {
        let executable = try #require(BuiltExecutable.locate("labelledger"), "labelledger was not built beside the tests")
        return try await ChildProcess.run(executable, arguments: arguments, seconds: 120)
    }

    /// `cat/0..2.png`, `dog/0..2.png` under `root/name`; with `stray`, one image in a folder
    /// named after a label the dataset does not have.
    static func folder(_ root: URL, _ name: String, stray: Bool = false) throws -> URL {
        let folder = root.appendingPathComponent(name)
        for (label, offset) in [("cat", 0), ("dog", 10)] + (stray ? [("cow", 20)] : []) {
            let directory = folder.appendingPathComponent(label)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for i in 0..<(label == "cow" ? 1 : 3) {
                try TestPNG.pattern(width: 8, height: 6, seed: offset + i).write(to: directory.appendingPathComponent("\(i).png"))
            }
        }
        return folder
    }

    static func notice(_ data: URL) -> URL { data.appendingPathComponent("server/serving.json") }

    @Test func import_and_rebuild_go_through_a_running_server_with_the_same_output() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let source = try Self.folder(directory.url, "pets")
        // The same import into a directory no server holds: the output to match.
        let alone = try await Self.labelledger(
            ["import", "--data", directory.file("alone").path, "--project", "demo", "--dataset", "trees", "--create", source.path])
        #expect(alone.status == 0, "\(alone)")

        let data = directory.file("data")
        let server = try await ServerProcess.start(data: data, token: nil, log: directory.file("serve.log"))
        // The notice: this server's address, readable by the owner only.
        let attributes = try FileManager.default.attributesOfItem(atPath: Self.notice(data).path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let notice = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Self.notice(data))) as? [String: Any])
        #expect(notice["url"] as? String == "http://127.0.0.1:\(server.port)")
        #expect(notice["pid"] as? Int == Int(server.process.pid))

        let through = try await Self.labelledger(
            ["import", "--data", data.path, "--project", "demo", "--dataset", "trees", "--create", source.path])
        #expect(through.status == 0, "\(through)")
        #expect(through.errors.contains("through the server at http://127.0.0.1:\(server.port)"), "\(through)")
        #expect(through.output == alone.output)
        #expect(through.output.contains("imported 6 sample(s)"), "\(through)")

        // Listed and served by the API at once (the server appended it).
        let listed = try await server.call("GET", "/v2/demo/datasets")
        let datasets = listed.json["datasets"] as? [[String: Any]] ?? []
        #expect(datasets.map { $0["dataset_id"] as? String } == ["trees"], "\(listed.text)")
        let head = try await server.call("GET", "/health").json["log_head"] as? Int

        // All or nothing through the server too: a refused import writes nothing, exit 1.
        let stray = try Self.folder(directory.url, "stray", stray: true)
        let refused = try await Self.labelledger(["import", "--data", data.path, "--project", "demo", "--dataset", "trees", stray.path])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.output.contains("cow"), "\(refused)")
        #expect(refused.errors.contains("LabelLedger.Import.100"), "\(refused)")
        #expect(try await server.call("GET", "/health").json["log_head"] as? Int == head)

        // The zero-downtime rebuild of the server, shown as the command shows its own.
        let rebuilt = try await Self.labelledger(["rebuild", "--data", data.path, "--projection", "audit"])
        #expect(rebuilt.status == 0, "\(rebuilt)")
        #expect(rebuilt.errors.contains("through the server"), "\(rebuilt)")
        #expect(rebuilt.output.contains("rebuilt audit (code version"), "\(rebuilt)")
        #expect(rebuilt.output.contains("at position \(head ?? -1)"), "\(rebuilt)")
        let history = try await Self.labelledger(["history", "--data", data.path, "--project", "demo", "--dataset", "trees"])
        #expect(history.output.contains("added 6 samples"), "\(history)")

        try await server.stop(with: SIGTERM)
        #expect(!FileManager.default.fileExists(atPath: Self.notice(data).path), "a clean stop removes the notice")
    }

    @Test func the_notice_of_a_killed_server_is_ignored() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let data = directory.file("data")
        let server = try await ServerProcess.start(data: data, token: nil, log: directory.file("serve.log"))
        try await server.stop(with: SIGKILL)
        #expect(FileManager.default.fileExists(atPath: Self.notice(data).path), "SIGKILL leaves the notice behind")

        let source = try Self.folder(directory.url, "pets")
        let imported = try await Self.labelledger(["import", "--data", data.path, "--dataset", "pets", "--create", source.path])
        #expect(imported.status == 0, "\(imported)")
        #expect(!imported.errors.contains("through the server"), "\(imported)")
        let rebuilt = try await Self.labelledger(["rebuild", "--data", data.path])
        #expect(rebuilt.status == 0, "\(rebuilt)")
        #expect(!rebuilt.errors.contains("through the server"), "\(rebuilt)")
    }
}
