import ArgumentParser

@main
struct LabelLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labelledger",
        abstract: "An event-sourced data-management backend for image-labeling jobs.",
        discussion: "Everything lives in one data directory (default ./labelledger-data).",
        subcommands: [ServeCommand.self, TokenCommand.self, VerifyCommand.self, ImportCommand.self, ExportCommand.self, BenchCommand.self, ReactorCommand.self, EvalDigitsCommand.self, RebuildCommand.self, ReplayCommand.self, HistoryCommand.self, ProjectCommand.self, GoldenSnapshotCommand.self])
}
