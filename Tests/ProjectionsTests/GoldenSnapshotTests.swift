import EventLog
import Foundation
import Testing
import TestSupport
@testable import Projections

/// Replays every golden event log of `Snapshots/projections/` (made from the real digits
/// by `Tools/generate-projection-snapshots`) and compares each projection's dump with the
/// committed expectation, line by line.
@Suite struct GoldenSnapshotTests {
    static let root = TestData.repositoryRoot.appendingPathComponent("Snapshots/projections")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
            .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted()
    }

    @Test func golden_snapshots_exist() {
        #expect(Self.cases.count >= 2, "no golden logs under \(Self.root.path)")
    }

    @Test(arguments: GoldenSnapshotTests.cases)
    func replaying_the_golden_log_gives_the_expected_dumps(name: String) async throws {
        let source = Self.root.appendingPathComponent(name)
        let directory = TemporaryDirectory("golden\(name)")
        defer { directory.cleanup() }
        let logDirectory = directory.url.appendingPathComponent("log")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: source.appendingPathComponent("log").path) {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent("log").appendingPathComponent(file), to: logDirectory.appendingPathComponent(file))
        }
        let log = try EventLog.open(directory: logDirectory, configuration: .init(durability: .none))
        let store = try ProjectionStore.open(directory: directory.url.appendingPathComponent("projections"))
        try await Projector(log: log, store: store, batchSize: 5).catchUp()
        for kind in ProjectionKind.allCases {
            let expected = try String(
                contentsOf: source.appendingPathComponent("expected/\(kind.rawValue).txt"), encoding: .utf8)
            let actual = try ProjectionDump.text(of: kind, in: store)
            if actual != expected {
                let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
                let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
                let line = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
                Issue.record("""
                    \(name)/\(kind) differs at line \(line + 1):
                      expected: \(line < e.count ? String(e[line]) : "<end>")
                      actual:   \(line < a.count ? String(a[line]) : "<end>")
                    (regenerate with Tools/generate-projection-snapshots if the change is intended)
                    """)
            }
        }
        await log.close()
    }
}
