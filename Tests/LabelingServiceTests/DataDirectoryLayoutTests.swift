import Foundation
import LabelingService
import Testing

/// `DataDirectory` and `DATA_DIRECTORY.md` describe one layout: every path the type hands out
/// is named in the document's tree, and every entry of the tree is one the type hands out.
@Suite struct DataDirectoryLayoutTests {
    static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/LabelingService/DATA_DIRECTORY.md")

    /// The names the document's tree lists directly under `DIR/` and one level below, as
    /// relative paths (`log`, `server/tokens.sqlite`, ...), without the entries owned by
    /// another document (segments, projection generations).
    static func documentedPaths() throws -> Set<String> {
        let text = try String(contentsOf: document, encoding: .utf8)
        guard let start = text.range(of: "```\nDIR/\n"), let end = text.range(of: "```", range: start.upperBound..<text.endIndex) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        var paths: Set<String> = []
        var parent = ""
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") {
            guard let marker = line.range(of: "── ") else { continue }
            let name = line[marker.upperBound...].split(separator: " ").first.map(String.init) ?? ""
            let nested = line.hasPrefix("│") || line.hasPrefix("    ")
            if !nested {
                parent = name.hasSuffix("/") ? String(name.dropLast()) : ""
                paths.insert(name.hasSuffix("/") ? String(name.dropLast()) : name)
            } else if !name.contains("<") {
                paths.insert(parent + "/" + name)
            }
        }
        return paths
    }

    @Test func the_type_and_the_document_name_the_same_paths() throws {
        let data = DataDirectory(path: "/srv/ledger")
        let handedOut = [
            data.log, data.logLock, data.snapshots, data.projections, data.reactor, data.reactorCheckpoint, data.images,
            data.server, data.tokens, data.idempotency, data.serverAdvertisement,
        ].map { String($0.path.dropFirst("/srv/ledger/".count)) }
        let documented = try Self.documentedPaths().filter { !$0.hasPrefix("log/") || $0 == "log/LOCK" }
            .filter { !$0.hasPrefix("projections/") }
        #expect(Set(handedOut) == documented)
    }

    /// The layout has one owner: no source of the user's command line, the server or the
    /// libraries spells a path of it (`appendingPathComponent("log")`, `"server/tokens.sqlite"`,
    /// ...) — each goes through ``LabelingService/DataDirectory`` (issue 22; before:
    /// `LedgerRuntime` and `ServerConfiguration.imageDirectory` spelled their own).
    @Test func no_source_but_the_owner_spells_a_path_of_the_layout() throws {
        let sources = Self.document.deletingLastPathComponent().deletingLastPathComponent()
        let names = ["log", "snapshots", "projections", "reactor", "images", "server", "tokens.sqlite", "idempotency.sqlite", "serving.json"]
        let spellings = names.flatMap { ["appendingPathComponent(\"\($0)\"", "\"\($0)/"] }
        var found: [String] = []
        // `labelledger-dev` builds its own scratch directories for benchmarks and evaluations.
        for target in try FileManager.default.contentsOfDirectory(atPath: sources.path) where target != "labelledger-dev" {
            guard let walker = FileManager.default.enumerator(atPath: sources.appendingPathComponent(target).path) else { continue }
            for case let file as String in walker where file.hasSuffix(".swift") && file != "DataDirectory.swift" {
                let text = try String(contentsOf: sources.appendingPathComponent(target).appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                    if spellings.contains(where: { line.contains($0) }) { found.append("\(target)/\(file): \(line)") }
                }
            }
        }
        #expect(found.isEmpty, "\(found)")
    }

    @Test func paths_are_standardized_and_stay_inside_the_directory() {
        let data = DataDirectory(path: "/srv/./x/../ledger/")
        #expect(data.url.path == "/srv/ledger")
        #expect(data.tokens.path == "/srv/ledger/server/tokens.sqlite")
        #expect(data.reactorCheckpoint.path == "/srv/ledger/reactor/checkpoint")
    }
}
