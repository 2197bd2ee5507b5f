import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure LabelLedger on this machine (build with -c release).",
        discussion: """
            Every benchmark prints ratios against a baseline run in the same process, because \
            absolute times drift on a shared machine.
            """,
        subcommands: [LogBenchCommand.self, DomainBenchCommand.self, HTTPBenchCommand.self, ProjectionBenchCommand.self])
}
