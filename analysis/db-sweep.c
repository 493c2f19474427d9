/* db-sweep.c - the sweep tables of the results database (db.h, "sweeps"): opening a sweep,
 * linking runs to its points, reading it back, and copying runs between databases.
 *
 * Copying (db_sweep_import) serves two callers with one mechanism: `mrsim sweep --jobs`,
 * whose worker processes each write their run into a private database that the parent then
 * copies into the real one in point order, and `mrsim merge`, which copies shard databases
 * into one. Rows are copied value by value (sqlite3_bind_value of the source column), table
 * by table in the source's rowid order, so the copy of a run is its original row for row
 * with a new run id; copying every run of a sweep in the order a single process would have
 * written them gives the same rows that process would have written.
 *
 * Rejected: ATTACH and INSERT ... SELECT. It would be shorter, but ATTACH is refused inside
 * a transaction, and merge must be one transaction over any number of shards. */
#include "db.h"
#include "db-int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int db__insert_sweep_link(sqlite3 *h, const db_sweep_link *l, sqlite3_int64 run_id)
{
    static const char sql[] = "INSERT INTO sweep_points (sweep_id, point, k, seed, run_id, params)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    static const char psql[] = "INSERT INTO sweep_params (sweep_id, point, dim, path, value, x)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    sqlite3_stmt     *st = NULL;
    int               rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, l->sweep_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, l->point);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 3, l->k);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 4, db__u64_bits(l->seed));
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 5, run_id);
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 6, l->params ? l->params : "");
    if (rc == SQLITE_OK)
        rc = db__step_insert(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_OK || l->k != 0)
        return rc;
    rc = sqlite3_prepare_v2(h, psql, -1, &st, NULL);
    for (size_t d = 0; rc == SQLITE_OK && d < l->ndims; d++) {
        rc = sqlite3_bind_int64(st, 1, l->sweep_id);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(st, 2, l->point);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(st, 3, (sqlite3_int64)d);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 4, l->paths[d]);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 5, l->values[d]);
        if (rc == SQLITE_OK)
            rc = db__bind_real(st, 6, l->xs[d]);
        if (rc == SQLITE_OK)
            rc = db__step_insert(st);
    }
    sqlite3_finalize(st);
    return rc;
}

int db_sweep_open(db_conn *db, const db_sweep_info *i, int64_t *id, sim_err *err)
{
    static const char find[]
        = "SELECT id FROM sweeps WHERE hash = ?1 AND shard IS ?2 ORDER BY id LIMIT 1";
    static const char ins[]
        = "INSERT INTO sweeps (hash, scenario, scenario_file, pattern, npoints, nseeds, dims,"
          " shard, started, version, slo) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
    static const char upd[] = "UPDATE sweeps SET slo = ?2 WHERE id = ?1";
    sqlite3          *h = db->h;
    sqlite3_stmt     *st = NULL;
    int               found = 0;
    /* Inside the caller's transaction (merge) it is part of that; else its own. */
    bool own = sqlite3_get_autocommit(h) != 0;
    int  rc = own ? sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) : SQLITE_OK;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(h, find, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 1, i->hash);
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 2, i->shard);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *id = sqlite3_column_int64(st, 0);
            found = 1;
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK && !found) {
        rc = sqlite3_prepare_v2(h, ins, -1, &st, NULL);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 1, i->hash);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 2, i->scenario);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 3, i->file);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 4, i->pattern);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(st, 5, i->npoints);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(st, 6, i->nseeds);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 7, i->dims);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 8, i->shard);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 9, i->started);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 10, i->version);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 11, i->slo);
        if (rc == SQLITE_OK)
            rc = db__step_insert(st);
        if (rc == SQLITE_OK)
            *id = sqlite3_last_insert_rowid(h);
        sqlite3_finalize(st);
    }
    if (rc == SQLITE_OK && found) {
        /* The objectives do not change the runs (nor the hash): the latest ones are kept. */
        rc = sqlite3_prepare_v2(h, upd, -1, &st, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(st, 1, *id);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 2, i->slo);
        if (rc == SQLITE_OK)
            rc = db__step_insert(st);
        sqlite3_finalize(st);
    }
    if (rc == SQLITE_OK && own)
        rc = sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        db__fail(err, db->path, h, rc, "cannot record the sweep in the results database");
        if (own)
            db__rollback(h);
        return SIM_EIO;
    }
    return found;
}

typedef struct cb {
    void *fn;
    void *ctx;
} cb;

static int run_row(void *ctx, sqlite3_stmt *st)
{
    const cb    *c = ctx;
    db_sweep_run r = { sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                       sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3) };
    return ((db_sweep_run_fn *)c->fn)(c->ctx, &r);
}

int db_sweep_runs(db_conn *db, int64_t id, db_sweep_run_fn *fn, void *ctx, sim_err *err)
{
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(db->h,
                                          "SELECT point, k, seed, run_id FROM sweep_points"
                                                    " WHERE sweep_id = ?1 ORDER BY rowid",
                                          -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    cb c = { (void *)fn, ctx };
    return db__each_row(db, st, rc, run_row, &c, err);
}

static int sweep_row(void *ctx, sqlite3_stmt *st)
{
    const cb    *c = ctx;
    db_sweep_row s = {
        .id = sqlite3_column_int64(st, 0),
        .hash = db__col_text(st, 1),
        .scenario = db__col_text(st, 2),
        .pattern = db__col_text(st, 3),
        .npoints = sqlite3_column_int64(st, 4),
        .nseeds = sqlite3_column_int64(st, 5),
        .dims = db__col_text(st, 6),
        .shard = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : db__col_text(st, 7),
        .file = db__col_text(st, 8),
        .version = db__col_text(st, 9),
        .slo = db__col_text(st, 10),
    };
    return ((db_sweep_row_fn *)c->fn)(c->ctx, &s);
}

int db_sweeps(db_conn *db, db_sweep_row_fn *fn, void *ctx, sim_err *err)
{
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(db->h,
                                          "SELECT id, hash, scenario, pattern, npoints, nseeds,"
                                                    " dims, shard, scenario_file, version, slo FROM sweeps ORDER BY id",
                                          -1, &st, NULL);
    cb            c = { (void *)fn, ctx };
    return db__each_row(db, st, rc, sweep_row, &c, err);
}

static int param_row(void *ctx, sqlite3_stmt *st)
{
    const cb *c = ctx;
    return ((db_sweep_param_fn *)c->fn)(c->ctx, sqlite3_column_int64(st, 0),
                                        sqlite3_column_int64(st, 1), db__col_text(st, 2),
                                        db__col_text(st, 3), db__col_real(st, 4));
}

int db_sweep_params(db_conn *db, int64_t id, db_sweep_param_fn *fn, void *ctx, sim_err *err)
{
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(db->h,
                                          "SELECT point, dim, path, value, x FROM sweep_params"
                                                    " WHERE sweep_id = ?1 ORDER BY point, dim",
                                          -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    cb c = { (void *)fn, ctx };
    rc = db__each_row(db, st, rc, param_row, &c, err);
    return rc < 0 ? rc : 0;
}

/* --- copying -------------------------------------------------------------------------- */

/* Copy the rows 'sel' (with ?1 = a and, when it has one, ?2 = b) selects from src into 'ins',
 * whose ?1 is 'prefix' when has_prefix and whose next parameters are sel's columns. With
 * new_id set, the last insert's rowid goes there. */
static int copy_rows(sqlite3 *src, sqlite3 *dst, const char *sel, int64_t a, int64_t b,
                     const char *ins, bool has_prefix, int64_t prefix, sqlite3_int64 *new_id)
{
    sqlite3_stmt *s = NULL, *d = NULL;
    int           rc = sqlite3_prepare_v2(src, sel, -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(dst, ins, -1, &d, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(s, 1, a);
    if (rc == SQLITE_OK && sqlite3_bind_parameter_count(s) >= 2)
        rc = sqlite3_bind_int64(s, 2, b);
    if (rc == SQLITE_OK && has_prefix)
        rc = sqlite3_bind_int64(d, 1, prefix);
    int first = has_prefix ? 2 : 1, ncols = rc == SQLITE_OK ? sqlite3_column_count(s) : 0;
    while (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_DONE) {
            rc = SQLITE_OK;
            break;
        }
        if (rc != SQLITE_ROW)
            break;
        rc = SQLITE_OK;
        for (int i = 0; rc == SQLITE_OK && i < ncols; i++)
            rc = sqlite3_bind_value(d, first + i, sqlite3_column_value(s, i));
        if (rc == SQLITE_OK)
            rc = db__step_insert(d);
        if (rc == SQLITE_OK && new_id)
            *new_id = sqlite3_last_insert_rowid(dst);
    }
    sqlite3_finalize(s);
    sqlite3_finalize(d);
    return rc;
}

/* The tables of one run, copied after its 'runs' row. */
static const struct {
    const char *sel, *ins;
} run_tables[] = {
    { "SELECT scope, key, metric, value FROM metrics WHERE run_id = ?1 ORDER BY rowid",
      "INSERT INTO metrics (run_id, scope, key, metric, value) VALUES (?1, ?2, ?3, ?4, ?5)" },
    { "SELECT t_s, kind, detail FROM events WHERE run_id = ?1 ORDER BY rowid",
      "INSERT INTO events (run_id, t_s, kind, detail) VALUES (?1, ?2, ?3, ?4)" },
    { "SELECT t_s, region, metric, value FROM series WHERE run_id = ?1 ORDER BY rowid",
      "INSERT INTO series (run_id, t_s, region, metric, value) VALUES (?1, ?2, ?3, ?4, ?5)" },
    { "SELECT lo_ns, hi_ns, count FROM latency_hist WHERE run_id = ?1 ORDER BY rowid",
      "INSERT INTO latency_hist (run_id, lo_ns, hi_ns, count) VALUES (?1, ?2, ?3, ?4)" },
    { "SELECT t_ms, reads, p_fresh FROM visibility WHERE run_id = ?1 ORDER BY rowid",
      "INSERT INTO visibility (run_id, t_ms, reads, p_fresh) VALUES (?1, ?2, ?3, ?4)" },
};

typedef struct import_ctx {
    sqlite3 *src, *dst;
    int64_t  src_id, dst_id;
    int      rc;     /* the first SQLite error, by whichever side */
    sqlite3 *failed; /* the handle that has the message */
    int      copied;
} import_ctx;

static int import_run(void *ctx, sqlite3_stmt *st)
{
    import_ctx   *c = ctx;
    int64_t       point = sqlite3_column_int64(st, 0), k = sqlite3_column_int64(st, 1);
    int64_t       seed = sqlite3_column_int64(st, 2), run = sqlite3_column_int64(st, 3);
    sqlite3_int64 new_run = 0;
    int           rc = copy_rows(
                  c->src, c->dst,
                  "SELECT started, scenario, scenario_file, scenario_text, scenario_sha256, pattern,"
                            " seed, simulated_s, wall_s, events, version FROM runs WHERE id = ?1",
                  run, 0,
                  "INSERT INTO runs (started, scenario, scenario_file, scenario_text, scenario_sha256,"
                            " pattern, seed, simulated_s, wall_s, events, version)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                  false, 0, &new_run);
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof run_tables / sizeof run_tables[0]; i++)
        rc = copy_rows(c->src, c->dst, run_tables[i].sel, run, 0, run_tables[i].ins, true, new_run,
                       NULL);
    sqlite3_stmt *ins = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(c->dst,
                                "INSERT INTO sweep_points (sweep_id, point, k, seed,"
                                " run_id, params) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                -1, &ins, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(ins, 1, c->dst_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(ins, 2, point);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(ins, 3, k);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(ins, 4, seed);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(ins, 5, new_run);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_value(ins, 6, sqlite3_column_value(st, 4));
    if (rc == SQLITE_OK)
        rc = db__step_insert(ins);
    sqlite3_finalize(ins);
    if (rc == SQLITE_OK && k == 0)
        rc = copy_rows(c->src, c->dst,
                       "SELECT point, dim, path, value, x FROM sweep_params"
                       " WHERE sweep_id = ?1 AND point = ?2 ORDER BY rowid",
                       c->src_id, point,
                       "INSERT INTO sweep_params (sweep_id, point, dim, path, value, x)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       true, c->dst_id, NULL);
    if (rc != SQLITE_OK) {
        c->rc = rc;
        c->failed = sqlite3_errcode(c->dst) != SQLITE_OK ? c->dst : c->src;
        return SIM_EIO;
    }
    c->copied++;
    return 0;
}

int db_sweep_import(db_conn *dst, int64_t dst_id, db_conn *src, int64_t src_id, int64_t point,
                    sim_err *err)
{
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(src->h,
                                          "SELECT point, k, seed, run_id, params FROM"
                                                    " sweep_points WHERE sweep_id = ?1 AND (?2 < 0 OR point = ?2)"
                                                    " ORDER BY rowid",
                                          -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, src_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, point);
    import_ctx c = { src->h, dst->h, src_id, dst_id, SQLITE_OK, NULL, 0 };
    int        n = db__each_row(src, st, rc, import_run, &c, err);
    if (c.rc != SQLITE_OK)
        return db__fail(err, c.failed == dst->h ? dst->path : src->path, c.failed, c.rc,
                        "cannot copy a sweep's runs");
    return n < 0 ? n : c.copied;
}

int db_begin(db_conn *db, sim_err *err)
{
    int rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0
                           : db__fail(err, db->path, db->h, rc,
                                      "cannot write to the "
                                      "results database");
}

int db_commit(db_conn *db, sim_err *err)
{
    int rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        return 0;
    db__fail(err, db->path, db->h, rc, "cannot write to the results database");
    db__rollback(db->h);
    return SIM_EIO;
}

void db_rollback(db_conn *db) { db__rollback(db->h); }
