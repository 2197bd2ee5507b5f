import Foundation
import Testing
import TestSupport
@testable import DatasetInterchange

/// A manifest line longer than `ManifestLines.maximumLineBytes` is refused with its own code
/// and line number, its bytes skipped without being held in memory; the lines around it
/// are read as usual, with their own numbers.
@Suite struct ManifestLineLimitTests {
    func manifest(_ lines: [Data], _ name: String = #function) throws -> (TemporaryDirectory, URL) {
        let dir = TemporaryDirectory(name)
        let url = dir.url.appendingPathComponent("input.manifest")
        var bytes = Data()
        for line in lines { bytes += line + Data([0x0A]) }
        try bytes.write(to: url)
        return (dir, url)
    }

    static let good = Data(#"{"source":"a.png"}"#.utf8)

    @Test func a_line_over_the_limit_is_a_problem_with_its_own_code() throws {
        // A JSON string value of limit + 1 bytes: valid JSON, only its length is wrong.
        let long = Data(#"{"source":""#.utf8) + Data(repeating: 0x61, count: ManifestLines.maximumLineBytes) + Data(#""}"#.utf8)
        let (dir, url) = try manifest([Self.good, long, Self.good])
        defer { dir.cleanup() }

        let (entries, problems) = ManifestReader.read(url)

        #expect(problems.map(\.code) == ["LabelLedger.Import.230"])
        #expect(problems.first?.line == 2)
        #expect(entries.map(\.line) == [1, 3])
    }

    @Test func a_line_at_the_limit_is_read() throws {
        let prefix = Data(#"{"source":""#.utf8), suffix = Data(#""}"#.utf8)
        let exact = prefix + Data(repeating: 0x61, count: ManifestLines.maximumLineBytes - prefix.count - suffix.count) + suffix
        let (dir, url) = try manifest([exact, Self.good])
        defer { dir.cleanup() }

        let (entries, problems) = ManifestReader.read(url)

        #expect(problems.isEmpty, "\(problems)")
        #expect(entries.map(\.line) == [1, 2])
    }

    @Test func a_last_line_over_the_limit_without_a_newline_is_a_problem() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let url = dir.url.appendingPathComponent("input.manifest")
        try (Self.good + Data([0x0A]) + Data(repeating: 0x20, count: ManifestLines.maximumLineBytes + 1)).write(to: url)

        let (entries, problems) = ManifestReader.read(url)

        #expect(problems.map(\.code) == ["LabelLedger.Import.230"])
        #expect(problems.first?.line == 2)
        #expect(entries.count == 1)
    }
}
