/* test_oracle.c - the oracle's definitions on hand-made histories: stale reads (including a
 * write acknowledged after the read was issued, which must not count), read-your-writes and
 * monotonic reads over the session memory, the accounting of acknowledged writes against
 * real stores (final, overwritten, lost; abandoned ones), divergence before and after the
 * drain, lag per target with the warmup cut, the write map under 200k writes of random
 * fates against a model kept by the test, and allocation failures.
 *
 * The scenario is built in code: 3 regions, 2 clients (100 keys and 4 sessions, 50 keys and
 * 3 sessions: 100 keys, 7 sessions), 2 fields, warmup 1 s. Random choices come from a
 * xorshift generator with a fixed seed, so the test depends on the oracle alone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "failwatch.h"
#include "oracle.h"
#include "store.h"

#define NREGIONS  3
#define NKEYS     100
#define NSESSIONS 7
#define NFIELDS   2
#define WARMUP    SIM_S

typedef struct fixture {
    scn_scenario s;
    scn_region   regions[NREGIONS];
    scn_client   clients[2];
    oracle      *o;
} fixture;

static void scenario_init(fixture *f)
{
    memset(f, 0, sizeof *f);
    static char *names[] = { "r0", "r1", "r2" };
    for (int i = 0; i < NREGIONS; i++)
        f->regions[i] = (scn_region){ .name = names[i], .servers = 1, .queue_limit = UINT32_MAX };
    f->clients[0] = (scn_client){ .name = "c0", .rate = 1, .key_count = 100, .sessions = 4 };
    f->clients[1] = (scn_client){ .name = "c1", .rate = 1, .key_count = 50, .sessions = 3 };
    f->s = (scn_scenario){ .file = "oracle.json",
                           .name = "oracle",
                           .seed = 1,
                           .duration = 60 * SIM_S,
                           .warmup = WARMUP,
                           .regions = f->regions,
                           .nregions = NREGIONS,
                           .clients = f->clients,
                           .nclients = 2,
                           .data = { .fields = NFIELDS, .value_bytes = 1024, .drain = SIM_MIN } };
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    scenario_init(f);
    sim_err err = { 0 };
    if (oracle_new(&f->s, &f->o, &err) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    oracle_free(f->o);
    free(f);
    return 0;
}

/* A record whose cells hold the given kseqs (write ids made up from them). */
static store_record record(uint64_t kseq0, uint64_t kseq1)
{
    store_record r;
    memset(&r, 0, sizeof r);
    r.cell[0] = (store_cell){ .write_id = kseq0 ? 1000 + kseq0 : 0, .kseq = kseq0 };
    r.cell[1] = (store_cell){ .write_id = kseq1 ? 2000 + kseq1 : 0, .kseq = kseq1 };
    return r;
}

/* Commit a measured write at t and acknowledge it to 'session' at 'ack'. Returns its kseq. */
static uint64_t write_acked(oracle *o, uint64_t key, uint32_t field, uint64_t id, uint32_t session,
                            sim_time t, sim_time ack)
{
    uint64_t kseq = oracle_commit(o, key, field, id, t, true);
    oracle_acked(o, id, session, ack);
    return kseq;
}

/* --- versions and stale reads ------------------------------------------------------- */

static void test_oracle_kseq_counts_commits_per_key(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    assert_int_equal(oracle_commit(o, 5, 0, 1, 2 * SIM_S, true), 1);
    assert_int_equal(oracle_commit(o, 5, 1, 2, 2 * SIM_S, true), 2);
    assert_int_equal(oracle_commit(o, 6, 0, 3, 2 * SIM_S, true), 1);
    assert_int_equal(oracle_commit(o, 99, 1, 4, 2 * SIM_S, false), 1);
    assert_int_equal(oracle_commit(o, 5, 0, 5, 3 * SIM_S, true), 3);
    assert_int_equal(oracle_tracked_writes(o), 5);
}

static void test_oracle_stale_read_counts_time_and_versions(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    oracle_commit(o, 5, 0, 1, 2 * SIM_S, true);
    oracle_commit(o, 5, 1, 2, 2 * SIM_S, true);
    oracle_commit(o, 5, 0, 3, 2 * SIM_S, true);
    oracle_acked(o, 3, 0, 3 * SIM_S); /* kseq 3 acknowledged at 3 s */

    store_record got = record(1, 0); /* version 1: two versions behind */
    assert_true(
        oracle_read(o, 5, &got, 1, 3 * SIM_S + 250 * SIM_MS, 3 * SIM_S + 250 * SIM_MS, true));
    got = record(1, 3); /* version 3: fresh, whichever field holds it */
    assert_false(oracle_read(o, 5, &got, 1, 4 * SIM_S, 4 * SIM_S, true));
    got = record(0, 0); /* never-written answer to a key with no ack */
    assert_false(oracle_read(o, 6, &got, 1, 4 * SIM_S, 4 * SIM_S, true));
    got = record(1, 0); /* stale again, but not measured: no verdict */
    assert_false(oracle_read(o, 5, &got, 1, 5 * SIM_S, 5 * SIM_S, false));

    oracle_figures fig = oracle_get_figures(o);
    assert_int_equal(fig.reads, 3);
    assert_int_equal(fig.stale_reads, 1);
    assert_int_equal(stat_hist_count(oracle_staleness(o)), 1);
    assert_int_equal(stat_hist_min(oracle_staleness(o)), 250 * SIM_MS);
    assert_int_equal(stat_hist_count(oracle_stale_versions(o)), 1);
    assert_int_equal(stat_hist_min(oracle_stale_versions(o)), 2);
}

static void test_oracle_ack_after_read_issued_does_not_count(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    oracle_commit(o, 7, 0, 1, 2 * SIM_S, true);
    oracle_commit(o, 7, 0, 2, 2 * SIM_S, true);
    oracle_acked(o, 1, 0, 3 * SIM_S);
    oracle_acked(o, 2, 0, 5 * SIM_S);

    /* Issued at 4 s, reported after 5 s: only kseq 1 had been acknowledged. */
    store_record got = record(1, 0);
    oracle_read(o, 7, &got, 1, 4 * SIM_S, 4 * SIM_S, true);
    assert_int_equal(oracle_get_figures(o).stale_reads, 0);
    /* Issued before either ack: nothing to be stale against. */
    got = record(0, 0);
    oracle_read(o, 7, &got, 2, 2 * SIM_S, 2 * SIM_S, true);
    assert_int_equal(oracle_get_figures(o).stale_reads, 0);
    /* Issued at 4 s and missing kseq 1: stale by 1 s and 1 version, not by kseq 2. */
    oracle_read(o, 7, &got, 3, 4 * SIM_S, 4 * SIM_S, true);
    assert_int_equal(oracle_get_figures(o).stale_reads, 1);
    assert_int_equal(stat_hist_max(oracle_staleness(o)), SIM_S);
    assert_int_equal(stat_hist_max(oracle_stale_versions(o)), 1);
    /* Issued at the ack instant of kseq 2 counts it (ack time <= issued). */
    got = record(1, 0);
    oracle_read(o, 7, &got, 4, 5 * SIM_S, 5 * SIM_S, true);
    assert_int_equal(oracle_get_figures(o).stale_reads, 2);
    assert_int_equal(stat_hist_min(oracle_staleness(o)), 0);
}

static void test_oracle_older_write_acked_later_does_not_hide_newer(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    oracle_commit(o, 8, 0, 1, 2 * SIM_S, true);
    oracle_commit(o, 8, 1, 2, 2 * SIM_S, true);
    oracle_acked(o, 2, 0, 3 * SIM_S); /* kseq 2 first */
    oracle_acked(o, 1, 1, 4 * SIM_S); /* then kseq 1 */
    store_record got = record(1, 0);
    oracle_read(o, 8, &got, 2, 5 * SIM_S, 5 * SIM_S, true);
    assert_int_equal(oracle_get_figures(o).stale_reads, 1);
    assert_int_equal(stat_hist_max(oracle_staleness(o)), 2 * SIM_S);
}

static void test_oracle_unmeasured_read_counts_nothing(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    write_acked(o, 9, 0, 1, 0, 2 * SIM_S, 3 * SIM_S);
    store_record got = record(0, 0);
    oracle_read(o, 9, &got, 0, 4 * SIM_S, 4 * SIM_S, false);
    oracle_figures fig = oracle_get_figures(o);
    assert_int_equal(fig.reads, 0);
    assert_int_equal(fig.stale_reads, 0);
    assert_int_equal(fig.ryw_violations, 0);
    assert_int_equal(stat_hist_count(oracle_staleness(o)), 0);
}

/* A failover fences the old primary's log after entry 1: its acknowledged entry 2 and
 * entry 3 (in flight at the fence, acknowledged after it) are lost. Reads of the version
 * the successor had are not stale against them, however late; a surviving write still
 * counts. Before the fix every such read was stale, by the time since entry 3's ack. */
static void test_oracle_fenced_writes_are_lost_not_stale_forever(void **state)
{
    oracle  *o = ((fixture *)*state)->o;
    uint64_t a1 = STORE_WRITE_ID(0, 1), a2 = STORE_WRITE_ID(0, 2), a3 = STORE_WRITE_ID(0, 3);
    write_acked(o, 11, 0, a1, 0, 2 * SIM_S, 2 * SIM_S);                         /* kseq 1 */
    write_acked(o, 11, 0, a2, 0, 3 * SIM_S, 3 * SIM_S);                         /* kseq 2 */
    assert_int_equal(oracle_commit(o, 11, 0, a3, 3 * SIM_S + SIM_MS, true), 3); /* in flight */
    oracle_fence(o, 0, 1, 3);
    oracle_acked(o, a3, 0, 4 * SIM_S);
    store_record got = record(1, 0); /* what the successor has */
    assert_false(oracle_read(o, 11, &got, 1, 100 * SIM_S, 100 * SIM_S, true));
    assert_false(oracle_read(o, 11, &got, 2, 500 * SIM_S, 500 * SIM_S, true));
    write_acked(o, 11, 0, STORE_WRITE_ID(1, 1), 1, 501 * SIM_S, 501 * SIM_S); /* kseq 4 */
    assert_true(oracle_read(o, 11, &got, 2, 502 * SIM_S, 502 * SIM_S, true));
    assert_int_equal(oracle_get_figures(o).stale_reads, 1);
    assert_int_equal(stat_hist_max(oracle_staleness(o)), SIM_S);
    assert_int_equal(stat_hist_max(oracle_stale_versions(o)), 3);
    /* What the old primary takes after its fence (split brain) is lost too, until it is
     * promoted again. */
    write_acked(o, 14, 0, STORE_WRITE_ID(0, 4), 0, 600 * SIM_S, 600 * SIM_S);
    got = record(0, 0);
    assert_false(oracle_read(o, 14, &got, 3, 601 * SIM_S, 601 * SIM_S, true));
    oracle_promoted(o, 0, 4);
    write_acked(o, 14, 0, STORE_WRITE_ID(0, 5), 0, 602 * SIM_S, 602 * SIM_S);
    assert_true(oracle_read(o, 14, &got, 3, 603 * SIM_S, 603 * SIM_S, true));
    /* Writes of another origin, or before the fence, are untouched by it. */
    write_acked(o, 12, 0, STORE_WRITE_ID(1, 2), 1, 2 * SIM_S, 2 * SIM_S);
    oracle_fence(o, 0, 0, 10);
    got = record(0, 0);
    assert_true(oracle_read(o, 12, &got, 3, 3 * SIM_S, 3 * SIM_S, true));
}

/* Under merge each field is judged on its own: a record holding the newest write of field
 * 1 but missing the acknowledged write of field 0 is stale (by field 0's age and gap). By
 * the newest cell alone it looked fresh. */
static void test_oracle_merge_judges_every_field(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    assert_int_equal(oracle_judge_fields(o), 0);
    write_acked(o, 13, 0, 1, 0, 2 * SIM_S, 2 * SIM_S); /* kseq 1, field 0 */
    write_acked(o, 13, 1, 2, 1, 2 * SIM_S, 3 * SIM_S); /* kseq 2, field 1 */
    store_record got = record(0, 2);
    assert_true(oracle_read(o, 13, &got, 2, 4 * SIM_S, 4 * SIM_S, true));
    assert_int_equal(stat_hist_max(oracle_staleness(o)), 2 * SIM_S);
    assert_int_equal(stat_hist_max(oracle_stale_versions(o)), 1);
    got = record(1, 2);
    assert_false(oracle_read(o, 13, &got, 2, 4 * SIM_S, 4 * SIM_S, true));
    got = record(1, 0); /* field 1 missing: 2 versions behind, 1 s old */
    assert_true(oracle_read(o, 13, &got, 2, 4 * SIM_S, 4 * SIM_S, true));
    assert_int_equal(oracle_get_figures(o).stale_reads, 2);
    assert_int_equal(stat_hist_max(oracle_stale_versions(o)), 2);
}

/* A failover restarted on its way (verification failed: an abort and a new detect at the
 * same instant) runs from its first detect; one that ended (the old primary stayed) does
 * not count, and the next detect starts afresh. */
static void test_failwatch_failover_time_runs_from_first_detect(void **state)
{
    fixture   *f = *state;
    failwatch *fw = NULL;
    sim_err    err = { 0 };
    assert_int_equal(failwatch_new(&f->s, NULL, NULL, f->o, NULL, NULL, &fw, &err), 0);
    failwatch_step(fw, 10 * SIM_S, "failover.detect");
    failwatch_step(fw, 12 * SIM_S, "failover.abort"); /* the old primary stays */
    failwatch_step(fw, 30 * SIM_S, "failover.detect");
    failwatch_step(fw, 40 * SIM_S, "failover.verify");
    failwatch_step(fw, 40 * SIM_S, "failover.abort"); /* failing over from the target */
    failwatch_step(fw, 40 * SIM_S, "failover.detect");
    failwatch_step(fw, 55 * SIM_S, "failover.done");
    failwatch_step(fw, 70 * SIM_S, "failover.detect");
    failwatch_step(fw, 71 * SIM_S, "failover.done");
    assert_true(failwatch_get(fw).failover_s == 25.0);
    failwatch_free(fw);
}

/* --- sessions ----------------------------------------------------------------------- */

static void test_oracle_ryw_violation_on_own_field(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    write_acked(o, 10, 0, 1, 2, 2 * SIM_S, 2 * SIM_S); /* kseq 1, field 0, session 2 */
    write_acked(o, 10, 1, 2, 6, 2 * SIM_S, 2 * SIM_S); /* kseq 2, field 1, session 6 */
    write_acked(o, 10, 0, 3, 6, 2 * SIM_S, 2 * SIM_S); /* kseq 3, field 0, session 6 */

    store_record got = record(1, 2);
    oracle_read(o, 10, &got, 2, 3 * SIM_S, 3 * SIM_S, true); /* session 2 sees its kseq 1 */
    assert_int_equal(oracle_get_figures(o).ryw_violations, 0);
    oracle_read(o, 10, &got, 6, 3 * SIM_S, 3 * SIM_S, true); /* session 6 misses its kseq 3 */
    assert_int_equal(oracle_get_figures(o).ryw_violations, 1);
    oracle_read(o, 10, &got, 5, 3 * SIM_S, 3 * SIM_S, true); /* session 5 wrote nothing */
    assert_int_equal(oracle_get_figures(o).ryw_violations, 1);
    got = record(3, 0); /* field 1 is null, field 0 ok */
    oracle_read(o, 10, &got, 6, 3 * SIM_S, 3 * SIM_S, true);
    assert_int_equal(oracle_get_figures(o).ryw_violations, 1);
    assert_int_equal(oracle_get_figures(o).stale_reads, 3); /* the reads of version 2 */
}

static void test_oracle_ryw_checks_the_field_last_written(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    write_acked(o, 11, 1, 1, 3, 2 * SIM_S, 2 * SIM_S); /* kseq 1, field 1 */
    oracle_commit(o, 11, 0, 2, 2 * SIM_S, true);       /* kseq 2 by someone else */
    /* A newer version overall, but field 1 holds nothing: the own write is missing. */
    store_record got = record(2, 0);
    oracle_read(o, 11, &got, 3, 3 * SIM_S, 3 * SIM_S, true);
    oracle_figures fig = oracle_get_figures(o);
    assert_int_equal(fig.ryw_violations, 1);
    assert_int_equal(fig.stale_reads, 0);
}

/* A session may have a read and a write in flight at once: a read issued before its own
 * write was acknowledged owes it nothing, and neither does a read overlapping an earlier
 * read of a newer version. */
static void test_oracle_session_overlapping_requests_are_not_violations(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    write_acked(o, 13, 0, 1, 2, 2 * SIM_S, 5 * SIM_S); /* kseq 1, acknowledged at 5 s */
    store_record none = record(0, 0), v1 = record(1, 0);
    oracle_read(o, 13, &none, 2, 4 * SIM_S, 6 * SIM_S, true); /* issued before the ack */
    assert_int_equal(oracle_get_figures(o).ryw_violations, 0);
    oracle_read(o, 13, &none, 2, 7 * SIM_S, 7 * SIM_S, true); /* issued after it */
    assert_int_equal(oracle_get_figures(o).ryw_violations, 1);

    oracle_read(o, 14, &v1, 6, 2 * SIM_S, 9 * SIM_S, true);    /* answered at 9 s */
    oracle_read(o, 14, &none, 6, 3 * SIM_S, 10 * SIM_S, true); /* issued before that */
    assert_int_equal(oracle_get_figures(o).monotonic_violations, 0);
}

static void test_oracle_monotonic_violation(void **state)
{
    oracle      *o = ((fixture *)*state)->o;
    store_record v2 = record(2, 0), v1 = record(1, 0);
    oracle_read(o, 12, &v2, 4, 2 * SIM_S, 2 * SIM_S, true);
    oracle_read(o, 12, &v1, 5, 2 * SIM_S, 2 * SIM_S, true); /* another session: fine */
    assert_int_equal(oracle_get_figures(o).monotonic_violations, 0);
    oracle_read(o, 12, &v1, 4, 3 * SIM_S, 3 * SIM_S, true); /* went back: violation */
    assert_int_equal(oracle_get_figures(o).monotonic_violations, 1);
    oracle_read(o, 12, &v1, 4, 3 * SIM_S, 3 * SIM_S, true); /* compared with the last read */
    oracle_read(o, 12, &v2, 4, 3 * SIM_S, 3 * SIM_S, true);
    assert_int_equal(oracle_get_figures(o).monotonic_violations, 1);
}

static void test_oracle_session_forgets_least_recent_key(void **state)
{
    oracle      *o = ((fixture *)*state)->o;
    store_record v2 = record(2, 0), v1 = record(1, 0);
    oracle_read(o, 20, &v2, 0, 2 * SIM_S, 2 * SIM_S, true);
    oracle_read(o, 30, &v2, 0, 2 * SIM_S, 2 * SIM_S, true);
    /* Unmeasured reads are remembered too: key 30 stays in the memory. */
    for (uint64_t k = 0; k < ORACLE_SESSION_KEYS - 1; k++) {
        oracle_read(o, 40 + k, &v1, 0, 2 * SIM_S, 2 * SIM_S, false);
        oracle_read(o, 30, &v2, 0, 2 * SIM_S, 2 * SIM_S, false);
    }
    /* Key 20 was pushed out by ORACLE_SESSION_KEYS other keys; key 30 was not. */
    oracle_read(o, 20, &v1, 0, 3 * SIM_S, 3 * SIM_S, true);
    assert_int_equal(oracle_get_figures(o).monotonic_violations, 0);
    oracle_read(o, 30, &v1, 0, 3 * SIM_S, 3 * SIM_S, true);
    assert_int_equal(oracle_get_figures(o).monotonic_violations, 1);
}

/* --- accounting of writes ----------------------------------------------------------- */

static store *store_make(void)
{
    store  *s = NULL;
    sim_err err = { 0 };
    assert_int_equal(store_new(NKEYS, NFIELDS, NREGIONS, &s, &err), 0);
    return s;
}

/* Put write id into key's cell 'field' of s (the rest of the record kept). */
static void store_write(store *s, uint64_t key, uint32_t field, uint64_t id, uint64_t kseq)
{
    store_record r;
    store_get(s, key, &r);
    r.cell[field] = (store_cell){ .ts = (int64_t)kseq, .write_id = id, .kseq = kseq };
    r.head = r.cell[field];
    store_put(s, key, &r);
}

static void test_oracle_final_overwritten_lost_accounting(void **state)
{
    oracle  *o = ((fixture *)*state)->o;
    store   *st[NREGIONS] = { store_make(), store_make(), store_make() };
    uint64_t k;

    k = write_acked(o, 1, 0, 101, 0, 2 * SIM_S, 3 * SIM_S); /* final in region 1 only */
    store_write(st[1], 1, 0, 101, k);
    write_acked(o, 2, 1, 102, 0, 2 * SIM_S, 3 * SIM_S); /* lost: in no store */
    store_write(st[0], 2, 0, 999, 7);                   /* ... another field there */
    write_acked(o, 3, 0, 103, 0, 2 * SIM_S, 3 * SIM_S); /* overwritten after its ack */
    oracle_overwritten(o, 103);
    oracle_commit(o, 4, 0, 104, 2 * SIM_S, true); /* overwritten before its ack */
    oracle_overwritten(o, 104);
    oracle_acked(o, 104, 1, 3 * SIM_S);
    k = oracle_commit(o, 5, 1, 105, 2 * SIM_S, true); /* abandoned (yet applied) */
    store_write(st[2], 5, 1, 105, k);
    oracle_abandoned(o, 105);
    oracle_commit(o, 6, 0, 106, 2 * SIM_S, true);      /* never heard of again */
    k = oracle_commit(o, 7, 0, 107, SIM_S / 2, false); /* unmeasured, final */
    oracle_acked(o, 107, 0, SIM_S / 2);
    store_write(st[0], 7, 0, 107, k);
    oracle_commit(o, 7, 0, 0x0100000000000001, 0, false);
    oracle_commit(o, 8, 0, 108, 0, false); /* unmeasured, abandoned */
    oracle_abandoned(o, 108);
    /* Unknown ids are ignored, as are repeated or late calls for deleted writes. */
    oracle_acked(o, 424242, 0, 3 * SIM_S);
    oracle_overwritten(o, 424242);
    oracle_abandoned(o, 424242);
    oracle_overwritten(o, 103);
    oracle_acked(o, 105, 0, 3 * SIM_S);
    oracle_abandoned(o, 101); /* acknowledged: cannot be abandoned */

    oracle_finish(o, st, NREGIONS, true);
    oracle_figures fig = oracle_get_figures(o);
    assert_int_equal(fig.writes_acked, 4);
    assert_int_equal(fig.writes_final, 1);
    assert_int_equal(fig.writes_overwritten, 2);
    assert_int_equal(fig.writes_lost, 1);
    assert_int_equal(fig.writes_unacked_applied, 1);
    assert_int_equal(fig.writes_acked, fig.writes_final + fig.writes_overwritten + fig.writes_lost);
    assert_true(fig.drained);
    /* Live: 101 and 102; in flight: 106 and the unmeasured commit of key 7. */
    assert_int_equal(oracle_tracked_writes(o), 4);

    oracle_finish(o, st, NREGIONS, false); /* recomputed, not added */
    oracle_figures again = oracle_get_figures(o);
    assert_int_equal(again.writes_final, 1);
    assert_int_equal(again.writes_lost, 1);
    assert_false(again.drained);
    for (int i = 0; i < NREGIONS; i++)
        store_free(st[i]);
}

static void test_oracle_divergence_before_and_after_drain(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    store  *st[NREGIONS] = { store_make(), store_make(), store_make() };
    for (int i = 0; i < NREGIONS; i++)
        store_write(st[i], 0, 0, 1, 1); /* the same everywhere */
    store_write(st[0], 3, 0, 2, 1);     /* region 0 only */
    store_write(st[2], 9, 1, 3, 1);     /* region 2 only */
    store_write(st[1], 99, 0, 4, 1);    /* the last key: regions 1 and 2 */
    store_write(st[2], 99, 0, 4, 1);

    oracle_mark_arrivals_end(o, st, NREGIONS);
    assert_int_equal(oracle_get_figures(o).divergent_keys_before_drain, 3);

    store_write(st[1], 3, 0, 2, 1); /* the drain brings keys 3 and 99 together */
    store_write(st[2], 3, 0, 2, 1);
    store_write(st[0], 99, 0, 4, 1);
    oracle_finish(o, st, NREGIONS, true);
    oracle_figures fig = oracle_get_figures(o);
    assert_int_equal(fig.divergent_keys_before_drain, 3);
    assert_int_equal(fig.divergent_keys, 1);

    oracle_finish(o, st, 1, true); /* one replica never diverges */
    assert_int_equal(oracle_get_figures(o).divergent_keys, 0);
    for (int i = 0; i < NREGIONS; i++)
        store_free(st[i]);
}

/* --- lag and conflicts -------------------------------------------------------------- */

static void test_oracle_lag_per_target_after_warmup(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    oracle_applied(o, 0, WARMUP - 1, WARMUP + 100 * SIM_MS); /* committed in the warmup */
    oracle_applied(o, 0, WARMUP, WARMUP + 80 * SIM_MS);
    oracle_applied(o, 2, 5 * SIM_S, 5 * SIM_S + 120 * SIM_MS);
    oracle_applied(o, 2, 6 * SIM_S, 6 * SIM_S + 40 * SIM_MS);
    assert_int_equal(stat_hist_count(oracle_lag(o, 0)), 1);
    assert_int_equal(stat_hist_min(oracle_lag(o, 0)), 80 * SIM_MS);
    assert_int_equal(stat_hist_count(oracle_lag(o, 1)), 0);
    assert_int_equal(stat_hist_count(oracle_lag(o, 2)), 2);
    assert_int_equal(stat_hist_min(oracle_lag(o, 2)), 40 * SIM_MS);
    assert_int_equal(stat_hist_max(oracle_lag(o, 2)), 120 * SIM_MS);
    assert_int_equal(stat_hist_count(oracle_lag_all(o)), 3);
    assert_int_equal(stat_hist_max(oracle_lag_all(o)), 120 * SIM_MS);
    assert_int_equal(stat_hist_min(oracle_lag_all(o)), 40 * SIM_MS);

    oracle_conflict(o);
    oracle_conflict(o);
    assert_int_equal(oracle_get_figures(o).conflicts, 2);
}

/* --- the write map under load ------------------------------------------------------- */

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

#define STRESS_WRITES 200000

enum { M_FLIGHT, M_FLIGHT_OVER, M_LIVE, M_GONE };
enum { OP_ACK, OP_OVERWRITE, OP_ABANDON };

/* What the test expects the oracle to count and hold, kept independently of it. */
typedef struct model {
    uint8_t  fate[STRESS_WRITES]; /* M_* */
    bool     measured[STRESS_WRITES];
    uint64_t key[STRESS_WRITES];
    uint32_t field[STRESS_WRITES];
    uint64_t acked, overwritten, unacked;
    size_t   held, live; /* in the map; of which acknowledged */
} model;

static uint64_t stress_id(size_t i) /* ids spread over origins and sequences */
{
    return STORE_WRITE_ID(i % NREGIONS, i / NREGIONS + 1);
}

static void model_op(model *m, oracle *o, size_t i, int op, uint32_t session, sim_time now)
{
    uint8_t *fate = &m->fate[i];
    bool     flight = *fate == M_FLIGHT || *fate == M_FLIGHT_OVER;
    switch (op) {
    case OP_ACK:
        oracle_acked(o, stress_id(i), session, now);
        if (flight) {
            m->acked += m->measured[i];
            m->overwritten += m->measured[i] && *fate == M_FLIGHT_OVER;
            if (m->measured[i] && *fate == M_FLIGHT) {
                *fate = M_LIVE;
                m->live++;
            } else {
                *fate = M_GONE;
                m->held--;
            }
        }
        break;
    case OP_OVERWRITE:
        oracle_overwritten(o, stress_id(i));
        if (*fate == M_FLIGHT) {
            *fate = M_FLIGHT_OVER;
        } else if (*fate == M_LIVE) {
            m->overwritten++;
            *fate = M_GONE;
            m->held--;
            m->live--;
        }
        break;
    default:
        oracle_abandoned(o, stress_id(i));
        if (flight) {
            m->unacked += m->measured[i];
            *fate = M_GONE;
            m->held--;
        }
        break;
    }
}

/* 200k writes; each step commits a write or gives an earlier one (mostly a recent one) a
 * random fate, often one it already had. Then every write still in flight is settled, half
 * the live writes are put into a store, and the oracle's figures must match the model. */
static void test_oracle_write_map_under_churn(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    model  *m = calloc(1, sizeof *m);
    assert_non_null(m);
    uint64_t rng = 88172645463325252u;
    size_t   n = 0, peak = 0;

    while (n < STRESS_WRITES) {
        uint64_t r = xorshift(&rng);
        if (r % 3 == 0) {
            m->measured[n] = (r >> 8) % 8 != 0;
            m->key[n] = (r >> 16) % NKEYS;
            m->field[n] = (uint32_t)(r >> 32) % NFIELDS;
            oracle_commit(o, m->key[n], m->field[n], stress_id(n), (sim_time)n, m->measured[n]);
            m->fate[n++] = M_FLIGHT;
            m->held++;
        } else if (n > 0) {
            size_t window = (r >> 4) % 4 == 0 ? n : (n < 64 ? n : 64);
            size_t i = n - 1 - (size_t)((r >> 16) % window);
            int    op = (r >> 8) % 4 < 2 ? OP_ACK : (r >> 8) % 4 == 2 ? OP_OVERWRITE : OP_ABANDON;
            model_op(m, o, i, op, (uint32_t)(r >> 40) % NSESSIONS, (sim_time)n);
        }
        assert_int_equal(oracle_tracked_writes(o), m->held);
        if (m->held > peak)
            peak = m->held;
    }
    for (size_t i = 0; i < n; i++)
        if (m->fate[i] == M_FLIGHT || m->fate[i] == M_FLIGHT_OVER)
            model_op(m, o, i, xorshift(&rng) % 2 ? OP_ACK : OP_ABANDON, 0, (sim_time)n);
    assert_int_equal(oracle_tracked_writes(o), m->live);

    /* Half the live writes reach the one replica; a later put into the same cell replaces
     * an earlier one, which is then lost. */
    store *st = store_make();
    for (size_t i = 0; i < n; i++)
        if (m->fate[i] == M_LIVE && i % 2 == 0)
            store_write(st, m->key[i], m->field[i], stress_id(i), 1);
    uint64_t final = 0;
    for (size_t i = 0; i < n; i++)
        if (m->fate[i] == M_LIVE)
            final += store_cells(st, m->key[i])[m->field[i]].write_id == stress_id(i);

    oracle_finish(o, &st, 1, true);
    oracle_figures fig = oracle_get_figures(o);
    assert_int_equal(fig.writes_acked, m->acked);
    assert_int_equal(fig.writes_overwritten, m->overwritten);
    assert_int_equal(fig.writes_unacked_applied, m->unacked);
    assert_int_equal(fig.writes_final, final);
    assert_int_equal(fig.writes_lost, m->live - final);
    assert_int_equal(fig.writes_acked, fig.writes_final + fig.writes_overwritten + fig.writes_lost);
    assert_true(final > 0 && final < m->live);
    assert_true(m->acked > STRESS_WRITES / 2);
    assert_true(peak > 10000); /* the table grew many times */

    /* Overwriting the rest empties the map. */
    for (size_t i = 0; i < n; i++)
        if (m->fate[i] == M_LIVE)
            model_op(m, o, i, OP_OVERWRITE, 0, (sim_time)n);
    assert_int_equal(oracle_tracked_writes(o), 0);
    store_free(st);
    free(m);
}

/* --- allocation failure ------------------------------------------------------------- */

static void test_oracle_new_out_of_memory_unwinds(void **state)
{
    (void)state;
    fixture f;
    scenario_init(&f);
    sim_err err = { 0 };
    oracle *o = NULL;
    sim_alloc_fail_at(0);
    assert_int_equal(oracle_new(&f.s, &o, &err), 0);
    long made = sim_alloc_fail_at(0);
    oracle_free(o);
    assert_true(made >= 5);
    for (long nth = 1; nth <= made; nth++) {
        memset(&err, 0, sizeof err);
        o = NULL;
        sim_alloc_fail_at(nth);
        int rc = oracle_new(&f.s, &o, &err);
        sim_alloc_fail_at(0);
        assert_int_equal(rc, SIM_ENOMEM);
        assert_int_equal(err.code, SIM_ENOMEM);
        assert_non_null(strstr(err.msg, "out of memory"));
        assert_null(o);
    }
}

static void test_oracle_map_growth_failure_keeps_counting(void **state)
{
    oracle *o = ((fixture *)*state)->o;
    sim_alloc_fail_at(1); /* the first growth fails, later ones work */
    for (uint64_t i = 1; i <= 5000; i++)
        oracle_commit(o, i % NKEYS, 0, i, 2 * SIM_S, true);
    sim_alloc_fail_at(0);
    assert_int_equal(oracle_tracked_writes(o), 5000);
    for (uint64_t i = 1; i <= 5000; i++)
        oracle_acked(o, i, 0, 3 * SIM_S);
    assert_int_equal(oracle_get_figures(o).writes_acked, 5000);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_oracle_kseq_counts_commits_per_key),
        T(test_oracle_stale_read_counts_time_and_versions),
        T(test_oracle_ack_after_read_issued_does_not_count),
        T(test_oracle_older_write_acked_later_does_not_hide_newer),
        T(test_oracle_unmeasured_read_counts_nothing),
        T(test_oracle_fenced_writes_are_lost_not_stale_forever),
        T(test_oracle_merge_judges_every_field),
        T(test_failwatch_failover_time_runs_from_first_detect),
        T(test_oracle_ryw_violation_on_own_field),
        T(test_oracle_ryw_checks_the_field_last_written),
        T(test_oracle_session_overlapping_requests_are_not_violations),
        T(test_oracle_monotonic_violation),
        T(test_oracle_session_forgets_least_recent_key),
        T(test_oracle_final_overwritten_lost_accounting),
        T(test_oracle_divergence_before_and_after_drain),
        T(test_oracle_lag_per_target_after_warmup),
        T(test_oracle_write_map_under_churn),
        cmocka_unit_test(test_oracle_new_out_of_memory_unwinds),
        T(test_oracle_map_growth_failure_keeps_counting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
