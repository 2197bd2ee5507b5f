#ifndef CSQLITESETUP_SHIM_H
#define CSQLITESETUP_SHIM_H
#include <sqlite3.h>

/// sqlite3_config is variadic, which Swift cannot call: this wraps the one setting we
/// change. Turns off SQLite's memory statistics, which take a process-wide mutex on
/// every allocation (contended when several connections write at once, as a rebuild's
/// shadows do). Only effective before SQLite initializes; returns SQLITE_MISUSE after.
static inline int labelledger_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
