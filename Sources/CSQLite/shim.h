#include <sqlite3.h>

/* SQLITE_TRANSIENT is a macro with a cast Swift cannot import: SQLite copies
   the bound bytes, so a Swift array's buffer need only live for the call. */
static inline sqlite3_destructor_type olic_sqlite_transient(void) { return SQLITE_TRANSIENT; }
