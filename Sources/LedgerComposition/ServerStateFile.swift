import EventLog
import Foundation
import GRDB

/// Opens one of the server's own SQLite files (`<data>/server/…`): creates its folder, applies
/// the process-wide SQLite settings, and runs `schema` (idempotent `CREATE … IF NOT EXISTS`
/// and upgrades) in one write.
enum ServerStateFile {
    static func open(path: String, schema: @escaping (Database) throws -> Void) throws -> DatabaseQueue {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        SQLiteProcessSetup.ensure()
        let database = try DatabaseQueue(path: path)
        try database.write { try schema($0) }
        return database
    }
}
