#ifndef LANTERN_CSQLITE_SHIM_H
#define LANTERN_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a function-like macro cast Swift cannot import. */
static inline sqlite3_destructor_type lantern_sqlite_transient(void) { return SQLITE_TRANSIENT; }
static inline sqlite3_destructor_type lantern_sqlite_static(void) { return SQLITE_STATIC; }

#endif
