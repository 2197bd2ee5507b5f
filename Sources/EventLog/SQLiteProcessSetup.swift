import CSQLiteSetup

/// Process-wide SQLite settings, applied once before the first connection any module of
/// this package opens (``ensure()`` is called by every opener).
///
/// The one setting: memory statistics off. With them on, every SQLite allocation takes a
/// process-wide mutex; a rebuild writes several shadow databases on several threads at
/// once and spent about 15 % of its time contending for it (measured: 300k-sample rebuild
/// 33.1 → 27.9 s). Nothing here reads SQLite's memory statistics.
///
/// Invariant: harmless when too late — if SQLite was initialized before the first
/// ``ensure()`` (say a host application opened a database first), SQLite refuses the
/// setting, statistics stay on, and only speed differs.
package enum SQLiteProcessSetup {
    private static let result: Int32 = labelledger_sqlite_disable_memory_statistics()

    /// Whether memory statistics are off (false when SQLite was initialized too early).
    @discardableResult
    package static func ensure() -> Bool { result == SQLITE_OK }
}
