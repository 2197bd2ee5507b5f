#ifndef CSQLITESETUP_SHIM_H
#define CSQLITESETUP_SHIM_H
#include <sqlite3.h>

/// sqlite3_config is variadic, which Swift cannot call; why and when: EventLog's SQLiteProcessSetup.
static inline int labelledger_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
