import Foundation
import Testing
import TestSupport

/// The operator's `labelledger` holds only what an operator runs; benchmarks, the golden
/// generator, the digits evaluation and the crash tests' child processes are commands of
/// `labelledger-dev`, through the real built executables.
@Suite struct CommandListTests {
    static let operatorCommands = ["serve", "token", "verify", "import", "export", "rebuild", "replay", "history", "migrate"]
    static let developerCommands = ["bench", "golden-snapshot", "eval-digits", "project", "reactor"]

    func run(_ name: String, _ arguments: String...) async throws -> FinishedChild {
        let executable = try #require(BuiltExecutable.locate(name), "\(name) was not built beside the tests")
        return try await ChildProcess.run(executable, arguments: arguments, seconds: 60)
    }

    /// The names under `SUBCOMMANDS:` in ArgumentParser's help text: what a user is shown.
    static func subcommands(inHelp help: String) -> Set<String> {
        guard let section = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        var names = Set<String>()
        for line in help[section.upperBound...].split(separator: "\n") {
            // A subcommand's line is indented by two spaces; its wrapped abstract by more.
            guard line.hasPrefix("  "), !line.hasPrefix("   "),
                  let name = line.dropFirst(2).split(separator: " ").first else { continue }
            names.insert(String(name))
        }
        return names
    }

    /// Every subcommand an executable accepts, hidden ones included, from ArgumentParser's
    /// `--experimental-dump-help` (the command tree as JSON).
    func acceptedSubcommands(of name: String) async throws -> Set<String> {
        let dump = try await run(name, "--experimental-dump-help")
        try #require(dump.status == 0, "\(dump)")
        struct Tool: Decodable {
            struct Command: Decodable {
                var commandName: String
                var subcommands: [Command]?
            }
            var command: Command
        }
        let tool = try JSONDecoder().decode(Tool.self, from: Data(dump.output.utf8))
        return Set((tool.command.subcommands ?? []).map(\.commandName))
    }

    @Test func labelledger_help_lists_the_operator_commands_and_no_developer_command() async throws {
        let help = try await run("labelledger", "--help")
        #expect(help.status == 0, "\(help)")
        let listed = Self.subcommands(inHelp: help.output)
        for command in Self.operatorCommands {
            #expect(listed.contains(command), "`labelledger --help` does not list \(command):\n\(help.output)")
        }
        for command in Self.developerCommands {
            #expect(!listed.contains(command), "`labelledger --help` lists \(command):\n\(help.output)")
        }
    }

    @Test func labelledger_accepts_no_developer_command_not_even_a_hidden_one() async throws {
        let accepted = try await acceptedSubcommands(of: "labelledger")
        #expect(accepted.isSuperset(of: Self.operatorCommands), "\(accepted.sorted())")
        #expect(accepted.isDisjoint(with: Self.developerCommands), "\(accepted.sorted())")
    }

    @Test func labelledger_dev_lists_and_accepts_every_developer_command() async throws {
        let help = try await run("labelledger-dev", "--help")
        #expect(help.status == 0, "\(help)")
        #expect(Self.subcommands(inHelp: help.output).isSuperset(of: Self.developerCommands), "\(help.output)")
        #expect(try await acceptedSubcommands(of: "labelledger-dev").isSuperset(of: Self.developerCommands))
        for command in Self.developerCommands {
            let result = try await run("labelledger-dev", command, "--help")
            #expect(result.status == 0, "\(result)")
        }
    }
}
