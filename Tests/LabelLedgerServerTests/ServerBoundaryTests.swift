import Foundation
import Testing

/// The server is HTTP over the query API and the command service: its sources import
/// neither GRDB, `EventLog` nor `DatasetInterchange`, and hold no SQL (issue 22).
@Suite struct ServerBoundaryTests {
    /// Every Swift file of `Sources/LabelLedgerServer`, with its text.
    static func serverSources() throws -> [(path: String, text: String)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/LabelLedgerServer")
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var files: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            files.append((url.path, try String(contentsOf: url, encoding: .utf8)))
        }
        return files
    }

    /// The module an `import` line names (`import GRDB`, `@testable import X`,
    /// `import struct EventLog.EventLog`, `@_exported import X`), nil for other lines.
    static func importedModule(_ line: Substring) -> String? {
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })[...]
        while let first = words.first, first.hasPrefix("@") { words = words.dropFirst() }
        guard words.first == "import", words.count >= 2 else { return nil }
        let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias", "actor"]
        let path = kinds.contains(words[words.startIndex + 1]) && words.count >= 3 ? words[words.startIndex + 2] : words[words.startIndex + 1]
        return path.split(separator: ".").first.map(String.init)
    }

    @Test func no_server_source_imports_grdb_eventlog_or_dataset_interchange() throws {
        let sources = try Self.serverSources()
        #expect(sources.count > 10, "found the server's sources")
        let forbidden: Set<String> = ["GRDB", "GRDBSQLite", "EventLog", "DatasetInterchange"]
        var found: [String] = []
        for (path, text) in sources {
            for line in text.split(separator: "\n") {
                if let module = Self.importedModule(line), forbidden.contains(module) {
                    found.append("\(path): \(line)")
                }
            }
        }
        #expect(found.isEmpty, "\(found)")
    }

    @Test func the_import_check_recognises_every_spelling_of_an_import() {
        #expect(Self.importedModule("import GRDB") == "GRDB")
        #expect(Self.importedModule("@testable import EventLog") == "EventLog")
        #expect(Self.importedModule("@_exported import DatasetInterchange") == "DatasetInterchange")
        #expect(Self.importedModule("import struct EventLog.EventLog") == "EventLog")
        #expect(Self.importedModule("  import\tGRDB") == "GRDB")
        #expect(Self.importedModule("// import GRDB") == nil)
        #expect(Self.importedModule("let importance = 1") == nil)
    }

    /// Reads go through the query API: no SQL statement is spelled in a route.
    @Test func no_server_source_holds_sql() throws {
        let statement = try Regex(#"\b(SELECT|INSERT|UPDATE|DELETE)\b[^"\n]*\b(FROM|INTO|SET)\b"#)
        var found: [String] = []
        for (path, text) in try Self.serverSources() {
            for line in text.split(separator: "\n") where line.contains(statement) {
                found.append("\(path): \(line)")
            }
        }
        #expect(found.isEmpty, "\(found)")
    }
}
