/* db-check.c - the results database's integrity: the quick check before every append, the
 * full check of `mrsim db check`, and how a read-only database is opened.
 *
 * Before appending, db_open() runs SQLite's PRAGMA quick_check (which checks every page
 * and b-tree but not that indexes match their tables; linear in the file's size, a fraction
 * of a second for a database of thousands of runs) and refuses a damaged file: appending to
 * it would bury the damage under new runs that CI then trusts. `mrsim db check` runs the
 * full PRAGMA integrity_check and PRAGMA foreign_key_check and lists every problem.
 *
 * Read-only opening: a WAL database needs its -shm file even to be read, which a read-only
 * directory (a CI artifact, a mounted image) cannot hold. When the file or its directory
 * is not writable, the database is opened with SQLite's immutable=1 URI parameter: no lock,
 * no -shm, no -wal. That is right for a file nobody is writing, which a file we cannot write
 * and whose directory we cannot write almost always is; the alternative, copying it to a
 * temporary directory first, costs the whole file's size and time. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "db-int.h"

/* Rows of a check pragma: "ok" alone, or one problem per row. Returns the number of problems
 * (0 when ok), or a negative SQLite code when the pragma itself failed (a file too damaged
 * for the check to run, or not a database). */
static int run_check(sqlite3 *h, const char *sql, db_check_fn *fn, void *ctx, char *first,
                     size_t first_n)
{
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    int           problems = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        const char *line = (const char *)sqlite3_column_text(st, 0);
        char        buf[512];
        if (sqlite3_column_count(st) > 1) { /* foreign_key_check: table, rowid, parent, fk */
            snprintf(buf, sizeof buf, "row %lld of table %s refers to a missing row of %s",
                     (long long)sqlite3_column_int64(st, 1),
                     (const char *)sqlite3_column_text(st, 0),
                     (const char *)sqlite3_column_text(st, 2));
            line = buf;
        }
        if (!line || strcmp(line, "ok") == 0)
            continue;
        if (problems++ == 0 && first)
            sim_utf8_copy(first, first_n, line);
        if (fn)
            fn(ctx, line);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_OK)
        return -(rc & 0xff ? rc : SQLITE_ERROR);
    return problems;
}

int db__quick_check(sqlite3 *h, const char *path, sim_err *err)
{
    char first[256] = "";
    int  n = run_check(h, "PRAGMA quick_check", NULL, NULL, first, sizeof first);
    if (n == -SQLITE_NOTADB)
        return db__fail(err, path, h, SQLITE_NOTADB, "cannot open the results database");
    if (n == 0)
        return 0;
    if (n < 0)
        snprintf(first, sizeof first, "%s", sqlite3_errmsg(h));
    sim_err_set(err, SIM_EIO, NULL,
                "the results database is damaged (%s%s): refusing to append to it; "
                "'mrsim db check %s' lists what is damaged",
                first, n > 1 ? ", and more" : "", path);
    if (err)
        snprintf(err->file, sizeof err->file, "%s", path);
    return SIM_EIO;
}

bool db__needs_immutable(const char *path)
{
    char        dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    return access(path, W_OK) != 0 || access(dir, W_OK) != 0;
}

char *db__file_uri(const char *path, const char *query)
{
    size_t n = strlen(path), q = strlen(query);
    char  *uri = sim_malloc(5 + 3 * n + 1 + q + 1), *p = uri;
    if (!uri)
        return NULL;
    p += sprintf(p, "file:");
    for (const char *c = path; *c; c++)
        p += (*c == '%' || *c == '?' || *c == '#') ? sprintf(p, "%%%02X", (unsigned char)*c)
                                                   : (*p = *c, 1);
    sprintf(p, "?%s", query);
    return uri;
}

int db_check(const char *path, db_check_fn *fn, void *ctx, db_check_result *res, sim_err *err)
{
    memset(res, 0, sizeof *res);
    db_conn *db = NULL;
    int      rc = db_open_readonly(path, &db, err);
    if (rc < 0)
        return rc;
    int n = run_check(db->h, "PRAGMA integrity_check", fn, ctx, NULL, 0);
    if (n >= 0) {
        res->problems += n;
        n = run_check(db->h, "PRAGMA foreign_key_check", fn, ctx, NULL, 0);
    }
    if (n < 0) { /* the check could not even run: that is damage too */
        if (fn)
            fn(ctx, sqlite3_errmsg(db->h));
        res->problems++;
    } else {
        res->problems += n;
    }
    db__query_int(db->h, "PRAGMA user_version", &res->version);
    int runs = 0;
    if (db__query_int(db->h, "SELECT count(*) FROM runs", &runs) == SQLITE_OK)
        res->runs = runs;
    db_close(db);
    return 0;
}
