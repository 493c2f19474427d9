/* cli_merge.c - `mrsim merge OUT SHARD...`: combine the results databases of a sweep's
 * shards (`mrsim sweep --shard K/N --db shard-K.db`) into one.
 *
 * Every shard must hold exactly one sweep, and every shard's sweep the same hash (the same
 * scenario text, dimensions, values, seeds and pattern): shards of different sweeps are
 * refused before anything is written. A point stored by two shards (or already in OUT) is
 * refused too. The runs are copied point by point in point order, whichever shard holds
 * them, all in one transaction: OUT then holds the same rows, in the same order, as a
 * whole sweep run into an empty database would (wall-clock fields aside), or nothing new
 * when anything fails. Missing points are listed on stderr and make the exit status 1, but
 * what is there is merged: a lost shard can be run again and merged later.
 *
 * The figures and the minimum of the merged sweep come from running the same `mrsim sweep`
 * command with --db OUT: every run is found stored, so it only reports. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "db.h"

static const char merge_help[]
    = "Merge the results databases of a sweep's shards (mrsim sweep --shard K/N --db\n"
      "shard-K.db) into OUT (created when missing). The shards must be of the same sweep (the\n"
      "same hash: scenario text, dimensions, values, seeds, pattern); a point stored twice is\n"
      "refused. Runs are copied in point order in one transaction, so OUT has the rows a whole\n"
      "sweep would have stored. Missing points are listed on stderr.\n"
      "\n"
      "Then `mrsim sweep FILE ... --db OUT` (the same options, without --shard) reports the\n"
      "figures and the minimum without running anything.\n"
      "\n"
      "options:\n"
      "  -h, --help    show this help\n"
      "\n"
      "exit status: 0 merged and complete, 1 shards of different sweeps, a point twice, a\n"
      "database error (nothing written), or points missing (the rest merged), 2 usage error\n";

typedef struct shard {
    const char  *path;
    db_conn     *db;
    int64_t      sweep_id;
    int          nsweeps;
    db_sweep_row row; /* strings copied below */
    char         hash[80], scenario[256], pattern[256], dims[2048], file[1024], version[64];
    char         slo[4096];
} shard;

static int on_sweep(void *ctx, const db_sweep_row *r)
{
    shard *sh = ctx;
    if (sh->nsweeps++ == 0) {
        sh->row = *r;
        sh->sweep_id = r->id;
        snprintf(sh->hash, sizeof sh->hash, "%s", r->hash);
        snprintf(sh->scenario, sizeof sh->scenario, "%s", r->scenario);
        snprintf(sh->pattern, sizeof sh->pattern, "%s", r->pattern);
        snprintf(sh->dims, sizeof sh->dims, "%s", r->dims);
        snprintf(sh->file, sizeof sh->file, "%s", r->file);
        snprintf(sh->version, sizeof sh->version, "%s", r->version);
        snprintf(sh->slo, sizeof sh->slo, "%s", r->slo);
    }
    return 0;
}

typedef struct owners {
    int               *of; /* [npoints * nseeds]: shard index or -1 */
    size_t             npoints, nseeds;
    int                cur; /* the shard being read */
    const char *const *names;
    bool               dup;
} owners;

static int on_run(void *ctx, const db_sweep_run *r)
{
    owners *o = ctx;
    if (r->point < 0 || (size_t)r->point >= o->npoints || r->k < 0 || (size_t)r->k >= o->nseeds)
        return 0;
    int *slot = &o->of[r->point * (int64_t)o->nseeds + r->k];
    if (*slot >= 0 && !o->dup) {
        fprintf(stderr, "mrsim merge: point %lld (seed %lld) is in both %s and %s\n",
                (long long)r->point, (long long)r->seed, o->names[*slot], o->names[o->cur]);
        o->dup = true;
    }
    *slot = o->cur;
    return 0;
}

int cli_merge_main(int argc, char **argv)
{
    const cli_spec spec = {
        .name = "merge",
        .usage = "mrsim merge OUT SHARD...",
        .help = merge_help,
        .operands = "the output database OUT and the shard databases",
        .min_operands = 2,
        .max_operands = -1,
    };
    int nops = 0;
    int status = cli_parse(&spec, argc, argv, &nops);
    if (status != CLI_CONTINUE)
        return status;
    const char  *out_path = argv[1];
    size_t       n = (size_t)nops - 1;
    shard       *sh = sim_calloc(n, sizeof *sh);
    const char **names = sim_calloc(n + 1, sizeof *names); /* + 1: the output */
    owners       o = { 0 };
    db_conn     *out = NULL;
    sim_err      err = { 0 };
    status = CLI_EXIT_FAIL;
    if (!sh || !names)
        goto oom;
    /* OUT is written in place: if it is also a shard (by another name, a link), the merge
     * would read and rewrite the same file. Files are compared by device and inode, which
     * sees through names and links. (The same shard given twice is caught below, as points
     * stored twice.) */
    struct stat out_st;
    bool        out_exists = stat(out_path, &out_st) == 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        sh[i].path = names[i] = argv[2 + i];
        if (stat(sh[i].path, &st) != 0) {
            fprintf(stderr, "%s: cannot open the shard: %s\n", sh[i].path, strerror(errno));
            goto done;
        }
        if (out_exists && st.st_dev == out_st.st_dev && st.st_ino == out_st.st_ino) {
            fprintf(stderr,
                    "%s: the output is also a shard (%s): refusing to merge a database into "
                    "itself; give a new OUT\n",
                    out_path, sh[i].path);
            goto done;
        }
        if (db_open_readonly(sh[i].path, &sh[i].db, &err) < 0
            || db_sweeps(sh[i].db, on_sweep, &sh[i], &err) < 0) {
            cli_print_error(&err);
            goto done;
        }
        if (sh[i].nsweeps != 1) {
            fprintf(stderr, "%s: expected the database of one sweep's shard, found %d sweeps\n",
                    sh[i].path, sh[i].nsweeps);
            goto done;
        }
        if (strcmp(sh[i].hash, sh[0].hash) != 0) {
            fprintf(stderr,
                    "%s: a shard of another sweep than %s (sweep hash %.12s, "
                    "expected %.12s): refusing to merge\n",
                    sh[i].path, sh[0].path, sh[i].hash, sh[0].hash);
            goto done;
        }
    }
    o.npoints = (size_t)sh[0].row.npoints;
    o.nseeds = (size_t)sh[0].row.nseeds;
    o.names = names;
    if (!(o.of = sim_calloc(o.npoints * o.nseeds + 1, sizeof *o.of)))
        goto oom;
    for (size_t j = 0; j < o.npoints * o.nseeds; j++)
        o.of[j] = -1;
    for (size_t i = 0; i < n; i++) {
        o.cur = (int)i;
        if (db_sweep_runs(sh[i].db, sh[i].sweep_id, on_run, &o, &err) < 0) {
            cli_print_error(&err);
            goto done;
        }
    }
    if (o.dup)
        goto done;

    /* Everything checked: write, in one transaction. */
    if (cli_make_parent_dir(out_path, &err) < 0 || db_open(out_path, &out, &err) < 0
        || db_begin(out, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }
    char started[40];
    cli_utc_timestamp(started, sizeof started);
    db_sweep_info info = {
        .hash = sh[0].hash,
        .scenario = sh[0].scenario,
        .file = sh[0].file,
        .pattern = sh[0].pattern[0] ? sh[0].pattern : NULL,
        .npoints = sh[0].row.npoints,
        .nseeds = sh[0].row.nseeds,
        .dims = sh[0].dims,
        .shard = NULL,
        .started = started,
        .version = sh[0].version,
        .slo = sh[0].slo[0] ? sh[0].slo : NULL,
    };
    int64_t out_id = 0;
    int     rc = db_sweep_open(out, &info, &out_id, &err);
    if (rc == 1) {
        /* The output already holds this sweep: its points count as present. */
        names[n] = out_path;
        o.cur = (int)n;
        rc = db_sweep_runs(out, out_id, on_run, &o, &err);
        if (rc >= 0 && o.dup) {
            db_rollback(out);
            goto done;
        }
    }
    size_t runs = 0, points = 0, missing = 0;
    for (size_t p = 0; rc >= 0 && p < o.npoints; p++) {
        int  owner = o.of[p * o.nseeds];
        bool whole = true;
        for (size_t k = 0; k < o.nseeds; k++)
            whole = whole && o.of[p * o.nseeds + k] >= 0;
        if (!whole) {
            if (missing++ < 20)
                fprintf(stderr, "%s point %zu", missing == 1 ? "mrsim merge: missing:" : ",", p);
            continue;
        }
        points++;
        if (owner == (int)n)
            continue; /* already in the output */
        rc = db_sweep_import(out, out_id, sh[owner].db, sh[owner].sweep_id, (int64_t)p, &err);
        if (rc > 0)
            runs += (size_t)rc;
    }
    if (missing)
        fprintf(stderr, "%s (%zu of %zu points missing)\n", missing > 20 ? ", ..." : "", missing,
                o.npoints);
    if (rc < 0 || db_commit(out, &err) < 0) {
        db_rollback(out);
        cli_print_error(&err);
        goto done;
    }
    printf("merged %zu shards into %s: %zu of %zu points, %zu runs copied\n", n, out_path, points,
           o.npoints, runs);
    status = missing ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    goto done;
oom:
    fprintf(stderr, "mrsim merge: out of memory\n");
done:
    for (size_t i = 0; sh && i < n; i++)
        db_close(sh[i].db);
    db_close(out);
    sim_free(sh);
    sim_free(names);
    sim_free(o.of);
    return cli_finish_stdout(status);
}
