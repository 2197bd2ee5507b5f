import ArgumentParser
import Foundation
import LabelLedgerCommandLine
import LedgerComposition
import LabelLedgerServer
import PostgresEventStore

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage API tokens.",
        subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; it is printed once and stored only as its SHA-256 hash.",
            discussion: "Roles: labeler (label, confirm, reject, mark hard), reviewer (+ start/stop tasks), admin (+ datasets, labels, models).")

        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "labeler, reviewer or admin.") var role: String
        @Option(help: "Bind the token to one project (it sees nothing of others).") var project: String?
        @Option(help: "A name for the token (recorded as the actor of its requests).") var name: String?
        @Option(help: "Keep the token in this PostgreSQL store (postgres://…), shared by every node serving it, instead of the data directory.")
        var store: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("role must be labeler, reviewer or admin") }
            let name = name ?? "\(role.rawValue)-\(UUID().uuidString.prefix(8).lowercased())"
            let token: String
            if let store {
                let shared = try await PostgresEventStore.open(url: store)
                do {
                    token = try await TokenStore(records: PostgresServerState(store: shared)).create(name: name, role: role, project: project)
                } catch {
                    await shared.close()
                    throw error
                }
                await shared.close()
            } else {
                token = try await TokenStore(path: data.directory.tokens.path).create(name: name, role: role, project: project)
            }
            print(token)
        }
    }
}
