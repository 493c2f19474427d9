/* db-int.h - private to the results database module (db.c, db-sweep.c): the connection and
 * the SQLite helpers both files use. Includes sqlite3.h, so only db*.c may include it. */
#ifndef MRSIM_DB_INT_H
#define MRSIM_DB_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"

struct db_conn {
    sqlite3 *h;    /* the SQLite connection */
    char    *path; /* as given to db_open, for error messages */
};

/* Fill err with SIM_EIO, the database path as err->file and "what: SQLite's reason". */
int db__fail(sim_err *err, const char *path, sqlite3 *h, int rc, const char *what);
/* The single integer a query (a PRAGMA) returns, into *out. An SQLite code. */
int db__query_int(sqlite3 *h, const char *sql, int *out);
/* Roll back the open transaction, if any. */
void          db__rollback(sqlite3 *h);
sqlite3_int64 db__u64_bits(uint64_t v); /* a uint64 as the int64 of the same bits */
int           db__bind_str(sqlite3_stmt *st, int i, const char *s); /* NULL binds NULL */
int           db__bind_real(sqlite3_stmt *st, int i, double v);     /* NaN binds NULL */
int           db__step_insert(sqlite3_stmt *st);     /* step to DONE (SQLITE_OK), then reset */
const char   *db__col_text(sqlite3_stmt *st, int i); /* "" for NULL */
double        db__col_real(sqlite3_stmt *st, int i); /* NaN for NULL */

/* Step st (prepared and bound; rc is how that went) and call each(ctx, st) per row. Returns
 * the number of rows, a callback's nonzero return, or SIM_EIO. Finalizes st. */
int db__each_row(db_conn *db, sqlite3_stmt *st, int rc, int (*each)(void *ctx, sqlite3_stmt *st),
                 void *ctx, sim_err *err);

/* db-check.c: PRAGMA quick_check on h; 0, or SIM_EIO with err saying the file is damaged
 * (or not a database). */
int db__quick_check(sqlite3 *h, const char *path, sim_err *err);
/* True when path or its directory is not writable: open it immutable (no -shm, no lock). */
bool db__needs_immutable(const char *path);
/* "file:PATH?QUERY" with '%', '?' and '#' of path percent-encoded, so that SQLite's URI
 * parsing reads exactly path; sim_free it. NULL when out of memory. */
char *db__file_uri(const char *path, const char *query);

/* db-sweep.c: the sweep rows of run 'run_id', inside db_write_run's transaction. */
int db__insert_sweep_link(sqlite3 *h, const db_sweep_link *l, sqlite3_int64 run_id);

#endif
