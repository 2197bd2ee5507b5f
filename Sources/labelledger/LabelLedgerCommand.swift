import ArgumentParser

@main
/// The operator's command line: only commands a user of the product runs. Benchmarks, the
/// golden generator, the digits evaluation and test children are `labelledger-dev`'s.
struct LabelLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labelledger",
        abstract: "An event-sourced data-management backend for image-labeling jobs.",
        discussion: "Everything lives in one data directory (default ./labelledger-data).",
        subcommands: [ServeCommand.self, TokenCommand.self, VerifyCommand.self, ImportCommand.self, ExportCommand.self, RebuildCommand.self, ReplayCommand.self, HistoryCommand.self, MigrateCommand.self])
}
