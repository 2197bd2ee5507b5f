import CSQLiteSetup
import TestSupport
import XCTest

@testable import EventLog

final class SQLiteProcessSetupTests: XCTestCase {
    /// What `ensure()` reports is what SQLite does: with memory statistics off, SQLite's
    /// memory-used counter stays 0 while a database is opened and written; with them on
    /// (SQLite initialized before the first `ensure()`, which a test process may do), it
    /// counts. Every opener of this package calls `ensure()` first, so in the product
    /// (`labelledger`) the setting is always in force.
    func testEnsureReportsWhetherSQLiteKeepsMemoryStatistics() throws {
        let off = SQLiteProcessSetup.ensure()
        XCTAssertEqual(SQLiteProcessSetup.ensure(), off, "the setting is applied once")
        let directory = TemporaryDirectory()
        let index = try StreamIndex(path: directory.path + "/index.sqlite")
        try index.pool.write { db in
            try db.execute(sql: "CREATE TABLE t(x TEXT)")
            for i in 0..<1_000 { try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [String(repeating: "x", count: i)]) }
        }
        var current: Int64 = 0, highest: Int64 = 0
        XCTAssertEqual(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highest, 0), SQLITE_OK)
        if off {
            XCTAssertEqual(highest, 0, "statistics are off, yet SQLite counted \(highest) bytes")
        } else {
            XCTAssertGreaterThan(highest, 0, "ensure() says statistics are on, yet SQLite counted nothing")
        }
    }
}
