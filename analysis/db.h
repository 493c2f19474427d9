/* db.h - the results database: one SQLite file that every run is appended to.
 *
 * A run is stored as one row of 'runs' (what ran: the scenario's name, file, full text and
 * SHA-256, the pattern, the seed; how long: simulated and wall seconds, engine events; who
 * ran it: start time and mrsim version), its metrics as rows of 'metrics' (scope, key, name,
 * value, in the run_result's order), its event log as rows of 'events' and its monitoring
 * time series as rows of 'series' (t_s, the interval's end in simulated seconds; region;
 * metric; value; in the run_result's order). The schema is created on first open and
 * versioned with PRAGMA user_version (DB_SCHEMA_VERSION). Version history: 1 had runs,
 * metrics and events; 2 added series. A file of an older version is upgraded in place when
 * opened (in one transaction, so it is at one version or the other); a file written by a
 * newer mrsim is refused rather than misread.
 *
 * Two decisions a reader must know:
 * - db_write_run() is one transaction (BEGIN IMMEDIATE ... COMMIT): an error, a full disk or
 *   a killed process leaves either the whole run or nothing, never a half-written run. Every
 *   value is a bound parameter; no value is ever formatted into SQL text.
 * - The database holds only what the caller gives it. Wall-clock facts (when the run started,
 *   how long it took) come from the CLI in db_run_info, because nothing below cli/ reads the
 *   clock; everything else is in the run_result, so the same run gives the same rows apart
 *   from those fields.
 *
 * Column encodings: NaN metric and series values are stored as NULL. Seeds are uint64 but
 * SQLite integers are int64, so 'seed' holds the seed's bit pattern as int64 (a seed above
 * 2^63-1 reads back negative; the CLI refuses such seeds, so in practice seed is stored as
 * is). The 'events' column of 'runs' is the engine's event count, the same int64
 * conversion. */
#ifndef MRSIM_DB_H
#define MRSIM_DB_H

#include <stdint.h>

#include "run.h"
#include "sim.h"

#define DB_SCHEMA_VERSION 2                   /* PRAGMA user_version of the schema we write */
#define DB_BUSY_TIMEOUT_MS 10000              /* wait this long for another writer, ms */

typedef struct db_conn db_conn;               /* opaque: one open database */

/* What the database records about a run that the run_result cannot know. */
typedef struct db_run_info {
    const char *started;                      /* wall-clock start, ISO-8601 UTC such as
                                                 "2024-05-01T12:34:56.789Z" */
    double      wall_s;                       /* wall-clock duration of the run, seconds */
    const char *version;                      /* mrsim version, e.g. MRSIM_VERSION */
} db_run_info;

/* Open (creating if missing) the database at path and make sure its schema is current.
 * An older schema is upgraded first. Returns 0 and a connection the caller closes with
 * db_close, or SIM_EIO when the file cannot be opened, created or upgraded, is not an SQLite
 * database, or has a schema newer than DB_SCHEMA_VERSION (err->file is the path, err->msg
 * says why), or SIM_ENOMEM. The parent directory must exist. */
int  db_open(const char *path, db_conn **out, sim_err *err);
/* Close db; NULL is a no-op. Finishes nothing: a write in progress has already committed or
 * rolled back when db_write_run returned. */
void db_close(db_conn *db);

/* Append run r (its scenario r->scn must be set) with info, as one transaction. On success
 * returns 0 and sets *run_id (may be NULL) to the new row's id in 'runs'. On failure returns
 * SIM_EIO (err->msg holds SQLite's message, err->file the database path) and the database is
 * as it was before the call. */
int  db_write_run(db_conn *db, const run_result *r, const db_run_info *info, int64_t *run_id,
                  sim_err *err);

#endif
