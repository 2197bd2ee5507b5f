import ArgumentParser

/// The developers' command line, apart from the operator's `labelledger`: benchmarks, the
/// projection golden generator, the digits evaluation, and the child processes that crash
/// tests start and kill (`project`, `reactor`).
@main
struct LabelLedgerDevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labelledger-dev",
        abstract: "LabelLedger's benchmarks, golden generator, evaluation and test children.",
        discussion: "Not for operators: `labelledger` is the product's command line.",
        subcommands: [BenchCommand.self, GoldenSnapshotCommand.self, EvalDigitsCommand.self, EvalDetectionCommand.self, ProjectCommand.self, ReactorCommand.self])
}
