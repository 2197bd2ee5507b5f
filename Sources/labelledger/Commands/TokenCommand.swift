import ArgumentParser
import Foundation
import LabelLedgerCommandLine
import LedgerComposition
import LabelLedgerServer

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage API tokens.",
        subcommands: [Create.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; it is printed once and stored only as its SHA-256 hash.",
            discussion: "Roles: labeler (label, confirm, reject, mark hard), reviewer (+ start/stop tasks), admin (+ datasets, labels, models).")

        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "labeler, reviewer or admin.") var role: String
        @Option(help: "Bind the token to one project (it sees nothing of others).") var project: String?
        @Option(help: "A name for the token (recorded as the actor of its requests).") var name: String?

        func run() throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("role must be labeler, reviewer or admin") }
            let store = try TokenStore(path: data.directory.tokens.path)
            let token = try store.create(name: name ?? "\(role.rawValue)-\(UUID().uuidString.prefix(8).lowercased())", role: role, project: project)
            print(token)
        }
    }
}
