import Foundation
import LabelingDomain
import Testing
import TestSupport
@testable import AutoLabeling

/// A model command inherits nothing of the server's environment and runs in a fresh
/// working directory of its own, removed after the run.
struct ModelProcessEnvironmentTests {
    /// A registered model whose command is `/bin/sh -c script sh <input> <output>`.
    static func model(script: String) throws -> ModelRegistryState.Model {
        let ref = ModelRef(name: "dump", version: "1")
        var registry = ModelRegistryState()
        for event in try decide(
            .registerModel(ref, type: .imageClassification, commandLine: ["/bin/sh", "-c", script, "sh"], timeoutSeconds: 60, by: "ops", at: Instant(Date())),
            registry: registry)
        {
            evolve(&registry, event)
        }
        return try #require(registry.models[ref])
    }

    @Test func test_a_model_sees_only_the_minimal_environment_in_its_own_directory() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        // Something of the server's that must not reach the model.
        setenv("LABELLEDGER_TEST_SERVER_SECRET", "token-42", 1)
        let envFile = directory.file("env.txt"), pwdFile = directory.file("pwd.txt")
        // `env` and `pwd` into files outside the run's directory; an empty predictions manifest.
        let script = "env > '\(envFile.path)'; pwd > '\(pwdFile.path)'; touch \"$PWD/left-behind\"; : > \"$2\""
        let runner = ExternalModelRunner(model: try Self.model(script: script))

        let predictions = try await runner.predict(samples: [(SampleID("s1"), "/nonexistent.png")], labelNames: ["cat"])
        #expect(predictions.isEmpty)

        var environment: [String: String] = [:]
        for line in try String(contentsOf: envFile, encoding: .utf8).split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            environment[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        let workingDirectory = try String(contentsOf: pwdFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(environment["LABELLEDGER_TEST_SERVER_SECRET"] == nil)
        #expect(environment["PATH"] == "/usr/local/bin:/usr/bin:/bin")
        #expect(environment["LANG"] == "C.UTF-8")
        #expect(environment["HOME"] == workingDirectory)
        #expect(environment["TMPDIR"] == workingDirectory)
        // What the shell itself adds (PWD, SHLVL, OLDPWD, _) aside, nothing else.
        let extra = Set(environment.keys).subtracting(["PATH", "LANG", "HOME", "TMPDIR", "PWD", "SHLVL", "OLDPWD", "_"])
        #expect(extra.isEmpty, "\(extra.sorted())")
        #expect(workingDirectory != FileManager.default.currentDirectoryPath)
        #expect(!workingDirectory.isEmpty && workingDirectory != "/")
        // The run's directory, and what the model left in it, is gone.
        #expect(!FileManager.default.fileExists(atPath: workingDirectory))
    }

    @Test func test_each_run_gets_a_directory_of_its_own() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let log = directory.file("pwds.txt")
        let runner = ExternalModelRunner(model: try Self.model(script: "pwd >> '\(log.path)'; : > \"$2\""))
        _ = try await runner.predict(samples: [(SampleID("s1"), "/nonexistent.png")], labelNames: ["cat"])
        _ = try await runner.predict(samples: [(SampleID("s1"), "/nonexistent.png")], labelNames: ["cat"])
        let directories = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(directories.count == 2)
        #expect(Set(directories).count == 2)
    }
}
