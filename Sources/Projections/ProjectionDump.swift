import Foundation
import GRDB

/// The canonical text of a projection: every table, every row, in primary-key order,
/// preceded by the projection's name, code version and checkpoint. Golden files in
/// `Snapshots/` hold it; its SHA-256 is the projection's digest.
///
/// Format: `# projection <name> code_version <v> checkpoint <p>`, then per table
/// `## <table> (<columns, tab-separated>)` and one line per row, values tab-separated:
/// integers and reals as Swift prints them, text with `\t \n \\` escaped, `NULL`, blobs as `x'hex'`.
///
/// Invariant: two databases built from the same events up to the same checkpoint have
/// the same dump, whatever the batch sizes, crashes and restarts on the way.
public enum ProjectionDump {
    /// The dump of the live generation of `kind`.
    public static func text(of kind: ProjectionKind, in store: ProjectionStore) throws(ProjectionError) -> String {
        var out = ""
        try write(kind, store.generation(kind).pool) { out += $0 }
        return out
    }

    /// SHA-256 (hex) of ``text(of:in:)``, computed without holding the dump in memory.
    public static func digest(of kind: ProjectionKind, in store: ProjectionStore) throws(ProjectionError) -> String {
        var hash = ProjectionDigest()
        try write(kind, store.generation(kind).pool) { hash.update($0) }
        return hash.finalize()
    }

    static func write(_ kind: ProjectionKind, _ pool: DatabasePool, _ emit: (String) -> Void) throws(ProjectionError) {
        do {
            try pool.read { db in
                let meta = try Row.fetchOne(db, sql: "SELECT name, code_version, checkpoint FROM projection_meta")
                emit("# projection \(meta?[0] as String? ?? "?") code_version \(meta?[1] as Int? ?? 0) checkpoint \(meta?[2] as Int64? ?? 0)\n")
                for (table, order) in kind.tables {
                    let columns = try db.columns(in: table).map(\.name)
                    emit("## \(table) (\(columns.joined(separator: "\t")))\n")
                    let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) ORDER BY \(order)")
                    while let row = try cursor.next() {
                        var line = ""
                        for (i, value) in row.databaseValues.enumerated() {
                            if i > 0 { line += "\t" }
                            line += render(value)
                        }
                        emit(line + "\n")
                    }
                }
            }
        } catch {
            throw ProjectionError.wrap(kind.rawValue, error)
        }
    }

    /// `\\`, tab and newline escaped; most values have none and are returned as they are
    /// (Foundation's `replacingOccurrences`, three per value, was about 16 % of `verify`'s CPU in perf).
    static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") })
        else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for character in text.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    private static func render(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: "NULL"
        case .int64(let i): String(i)
        case .double(let d): String(d)
        case .string(let s): escaped(s)
        case .blob(let data): "x'" + data.map { String(format: "%02x", $0) }.joined() + "'"
        }
    }
}
