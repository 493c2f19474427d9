/* outage_fixture.h - what the plot and report tests share: a temporary folder per test
 * (with a results database path and an output path in it) and a small stored scenario to
 * draw: two regions, independent and active-active, r0 down from 3 s to 6 s of an 8 s run.
 * Include after cmocka.h and world_fixture.h. */
#ifndef MRSIM_OUTAGE_FIXTURE_H
#define MRSIM_OUTAGE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "run.h"
#include "world_fixture.h"

typedef struct tfix {
    char dir[64];  /* the test's own folder */
    char db[128];  /* dir/results.db */
    char out[128]; /* dir/<out>: the plots or the page */
} tfix;

/* A cmocka setup making /tmp/mrsim-test-<tag>-XXXXXX; 0 or -1. */
static inline int tfix_setup(void **state, const char *tag, const char *out)
{
    tfix *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    snprintf(t->dir, sizeof t->dir, "/tmp/mrsim-test-%s-XXXXXX", tag);
    if (!mkdtemp(t->dir)) {
        free(t);
        return -1;
    }
    snprintf(t->db, sizeof t->db, "%s/results.db", t->dir);
    snprintf(t->out, sizeof t->out, "%s/%s", t->dir, out);
    *state = t;
    return 0;
}

static inline int tfix_teardown(void **state)
{
    tfix *t = *state;
    char  cmd[256];
    /* The test's own temporary folder, removed the simple way. */
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", t->dir);
    free(t);
    return 0;
}

/* Run the outage scenario (into f, which the stored runs point to) for both patterns with
 * seeds 1 .. nseeds, pattern by pattern, and store every run in db_path. */
static inline void store_outage_runs(fixture *f, const char *db_path, uint64_t nseeds)
{
    fixture_init(f, 2, 4);
    f->s.duration = 8 * SIM_S;
    f->clients[0].read_ratio = 0.8;
    scn_fault *down = fixture_fault(f, SCN_FAULT_REGION_DOWN, 3 * SIM_S, 6 * SIM_S);
    down->region = 0;
    static scn_pattern aa;
    fixture_pattern(&aa, SCN_PATTERN_ACTIVE_ACTIVE);
    const scn_pattern *patterns[] = { NULL, &aa };
    db_conn           *db = NULL;
    sim_err            err = { 0 };
    assert_int_equal(db_open(db_path, &db, &err), 0);
    static const db_run_info info = { .started = "2024-05-01T00:00:00.000Z", .version = "t" };
    for (size_t p = 0; p < 2; p++) {
        for (uint64_t seed = 1; seed <= nseeds; seed++) {
            run_options o = { .pattern = patterns[p], .has_seed = true, .seed = seed };
            run_result *r = NULL;
            if (run_scenario(&f->s, &o, &r, &err) != 0)
                fail_msg("run_scenario: %s: %s", err.path, err.msg);
            if (db_write_run(db, r, &info, NULL, &err) != 0)
                fail_msg("db_write_run: %s", err.msg);
            run_result_free(r);
        }
    }
    db_close(db);
}

#endif
