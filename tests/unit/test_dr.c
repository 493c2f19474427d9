/* test_dr.c - the failover controller, step by step, in whole runs of a small world.
 *
 * Three regions a, b, c on the equator 10 degrees apart (b is nearer a than c is), a
 * client population at a writing half the time, active-passive with a as the first
 * primary, fast checks (probes every 2s, a 5s controller check, a 10s DNS TTL) so that a
 * failover fits in a run of a couple of minutes. Each test adds the faults and settings it
 * is about and reads the run's event log and metrics, which is what a user sees.
 *
 * The last test is a validation against theory: with one checker probing the primary every
 * I with timeout T and K failures to call it down, and a controller looking every C, the
 * mean delay from a failure at a uniformly random time to the controller's "detect" step is
 * (K - 1/2) I + T + C/2; from there to "done" it is the demote timeout, a TTL and a few
 * round trips. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rng.h"
#include "run.h"
#include "scn.h"

#define WORLD                                                                                      \
    "\"regions\": [{\"name\": \"a\", \"location\": [0, 0], \"servers\": 8},"                       \
    "  {\"name\": \"b\", \"location\": [0, 10], \"servers\": 8},"                                  \
    "  {\"name\": \"c\", \"location\": [0, 20], \"servers\": 8}],"                                 \
    "\"network\": {\"base\": \"1ms\"},"                                                            \
    "\"clients\": [{\"name\": \"near-a\", \"location\": [0, 1], \"rate\": 40,"                     \
    "  \"read_ratio\": 0.5, \"keys\": {\"count\": 200}, \"sessions\": 20}],"                       \
    "\"routing\": {\"health\": {\"interval\": \"2s\", \"timeout\": \"500ms\"%s},"                  \
    "  \"dns_ttl\": \"10s\"},"                                                                     \
    "\"patterns\": {\"active-passive\": {\"primary\": \"a\"}},"

/* A scenario of the world above running for 'duration', with 'failover' settings (the
 * inside of the object; promotion is instant unless they give a promote_delay), 'faults' (the inside of the array) and health 'checkers' (the
 * inside of the array; "" for every region). */
static scn_scenario *load(const char *duration, const char *failover, const char *faults,
                          const char *checkers)
{
    char health_extra[128] = "";
    if (checkers[0])
        snprintf(health_extra, sizeof health_extra, ", \"checkers\": [%s]", checkers);
    char world[2048], text[4096];
    snprintf(world, sizeof world, WORLD, health_extra);
    snprintf(text, sizeof text,
             "{\"duration\": \"%s\", %s"
             "\"failover\": {\"check_every\": \"5s\", \"step_timeout\": \"1s\"%s%s%s},"
             "\"faults\": [%s]}",
             duration, world,
             strstr(failover, "promote_delay") ? "" : ", \"promote_delay\": \"0s\"",
             failover[0] ? ", " : "", failover, faults);
    scn_scenario *s = NULL;
    sim_err       err = { 0 };
    if (scn_parse("dr.json", text, strlen(text), &s, &err) != 0)
        fail_msg("scenario: %s: %s\n%s", err.path, err.msg, text);
    return s;
}

static run_result *run(const scn_scenario *s, uint64_t seed)
{
    run_result *r = NULL;
    sim_err     err = { 0 };
    run_options o = { .pattern = &s->patterns[0], .has_seed = true, .seed = seed };
    if (run_scenario(s, &o, &r, &err) != 0)
        fail_msg("run: %s", err.msg);
    return r;
}

static double metric(const run_result *r, const char *name)
{
    double v = NAN;
    if (!run_metric_find(r, RUN_SCOPE_ALL, "", name, &v))
        fail_msg("no metric %s", name);
    return v;
}

/* Index of the first event at or after 'from' of this kind whose detail contains 'text'
 * ("" for any), or -1. */
static long find_event(const run_result *r, size_t from, const char *kind, const char *text)
{
    for (size_t i = from; i < r->nlog; i++)
        if (strcmp(r->log[i].kind, kind) == 0 && strstr(r->log[i].detail, text))
            return (long)i;
    return -1;
}

static void dump(const run_result *r)
{
    for (size_t i = 0; i < r->nlog; i++)
        print_message("%10.3f %-20s %s\n", sim_time_s(r->log[i].t), r->log[i].kind,
                      r->log[i].detail);
}

/* The steps appear in this order, each after the one before. */
static void assert_steps(const run_result *r, const char *const *steps, size_t n)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        long k = find_event(r, at, steps[i], "");
        if (k < 0) {
            dump(r);
            fail_msg("no %s after event %zu", steps[i], at);
        }
        at = (size_t)k + 1;
    }
}

static void test_dr_outage_runs_every_step(void **state)
{
    (void)state;
    scn_scenario            *s = load("2m", "",
                                      "{\"kind\": \"region_down\", \"region\": \"a\", "
                                                 "\"at\": \"20s\", \"for\": \"60s\"}",
                                      "");
    run_result              *r = run(s, 1);
    static const char *const steps[] = {
        "fault_start",      "failover.detect", "failover.demote",    "failover.select",
        "failover.promote", "failover.dns",    "failover.propagate", "failover.verify",
        "failover.done",    "fault_end",
    };
    assert_steps(r, steps, sizeof steps / sizeof steps[0]);
    /* The old primary is unreachable, so demote times out; b and c are level with each
     * other in a's log, and b is nearer a. */
    assert_true(find_event(r, 0, "failover.demote", "did not answer") >= 0);
    assert_true(find_event(r, 0, "failover.select", "target b") >= 0);
    /* a comes back not trusting its memory, learns of b and rebuilds itself. */
    assert_true(find_event(r, 0, "failover.role", "a: primary -> recovering") >= 0);
    assert_true(find_event(r, 0, "failover.role", "a: recovering -> syncing") >= 0);
    assert_true(find_event(r, 0, "failover.role", "a: syncing -> secondary") >= 0);
    assert_int_equal(metric(r, "failovers"), 1);
    assert_int_equal(metric(r, "false_failovers"), 0);
    assert_int_equal(metric(r, "rollbacks"), 0);
    assert_true(metric(r, "split_brain_s") == 0);
    /* What b never received is lost, and is exactly the RPO; nothing else is. */
    assert_true(metric(r, "rpo_writes") == metric(r, "lost_writes"));
    assert_true(metric(r, "rpo_ms") >= 0 && metric(r, "rpo_ms") < 100);
    assert_int_equal(metric(r, "divergent_keys"), 0);
    assert_true(metric(r, "rto_s") > 0);
    run_result_free(r);
    scn_free(s);
}

/* RPO is the data-loss window. a ships its log to b every 2 s over a 200 ms one-way link
 * and goes down at 20 s: the writes committed since the last shipment are lost, and the
 * window runs from the last write b had (committed before that shipment) to the failure,
 * so it is positive whenever a write was lost and no longer than a batch plus the delay.
 * The old figure, the span from the first lost write to the last, read 0 ms when one write
 * was lost (seed 3 here). */
static void test_dr_rpo_is_the_data_loss_window(void **state)
{
    (void)state;
    static const char text[]
        = "{\"duration\": \"90s\","
          "\"regions\": [{\"name\": \"a\", \"location\": [0, 0], \"servers\": 8},"
          "  {\"name\": \"b\", \"location\": [0, 10], \"servers\": 8}],"
          "\"network\": {\"base\": \"0ms\", \"rtt\": {\"a/b\": \"400ms\"}},"
          "\"clients\": [{\"name\": \"near-a\", \"location\": [0, 1], \"rate\": 4,"
          "  \"read_ratio\": 0.5, \"keys\": {\"count\": 200}, \"sessions\": 20}],"
          "\"routing\": {\"health\": {\"interval\": \"2s\", \"timeout\": \"500ms\"},"
          "  \"dns_ttl\": \"10s\"},"
          "\"patterns\": {\"active-passive\": {\"primary\": \"a\","
          "  \"replication\": {\"mode\": \"async\", \"batch\": \"2s\"}}},"
          "\"failover\": {\"check_every\": \"5s\", \"step_timeout\": \"1s\","
          "  \"promote_delay\": \"0s\"},"
          "\"faults\": [{\"kind\": \"region_down\", \"region\": \"a\", \"at\": \"20s\","
          "  \"for\": \"30s\"}]}";
    scn_scenario *s = NULL;
    sim_err       err = { 0 };
    if (scn_parse("rpo.json", text, strlen(text), &s, &err) != 0)
        fail_msg("scenario: %s: %s", err.path, err.msg);
    int single = 0;
    for (uint64_t seed = 1; seed <= 8; seed++) {
        run_result *r = run(s, seed);
        double      lost = metric(r, "rpo_writes"), rpo = metric(r, "rpo_ms");
        print_message("seed %llu: rpo_writes %.0f, rpo_ms %.1f\n", (unsigned long long)seed, lost,
                      rpo);
        if (lost >= 1)
            assert_true(rpo > 0 && rpo <= 2200);
        else
            assert_true(rpo == 0);
        single += lost == 1;
        run_result_free(r);
    }
    assert_true(single >= 1); /* the case the old figure got wrong */
    scn_free(s);
}

static void test_dr_drill_loses_nothing(void **state)
{
    (void)state;
    scn_scenario *s
        = load("2m", "", "{\"kind\": \"failover\", \"at\": \"20s\", \"to\": \"c\"}", "");
    run_result              *r = run(s, 2);
    static const char *const steps[] = {
        "drill",
        "failover.detect",
        "failover.demote",
        "failover.select",
        "failover.promote",
        "failover.dns",
        "failover.propagate",
        "failover.verify",
        "failover.done",
    };
    assert_steps(r, steps, sizeof steps / sizeof steps[0]);
    assert_true(find_event(r, 0, "failover.demote", "stopped taking writes") >= 0);
    assert_true(find_event(r, 0, "failover.promote", "c is primary") >= 0);
    /* The target waits for the demoted primary's last write before it takes over. */
    assert_int_equal(metric(r, "lost_writes"), 0);
    assert_int_equal(metric(r, "rpo_writes"), 0);
    assert_int_equal(metric(r, "false_failovers"), 0);
    assert_int_equal(metric(r, "divergent_keys"), 0);
    assert_true(find_event(r, 0, "failover.role", "syncing") < 0); /* nobody diverged */
    run_result_free(r);
    scn_free(s);
}

static void test_dr_rollback_when_the_target_fails(void **state)
{
    (void)state;
    /* b is promoted, then dies during the TTL wait: verification finds it unhealthy. (The
     * controller runs in c: by default it would run in b, the first secondary.) */
    scn_scenario            *s = load("2m", "\"controller\": \"c\"",
                                      "{\"kind\": \"failover\", \"at\": \"20s\", \"to\": \"b\"},"
                                                 "{\"kind\": \"region_down\", \"region\": \"b\", \"at\": \"21s\"}",
                                      "");
    run_result              *r = run(s, 3);
    static const char *const steps[] = {
        "failover.promote", "failover.dns",      "failover.propagate",
        "failover.verify",  "failover.rollback",
    };
    assert_steps(r, steps, sizeof steps / sizeof steps[0]);
    assert_true(find_event(r, 0, "failover.verify", "failed") >= 0);
    assert_true(find_event(r, 0, "failover.rollback", "a is primary again") >= 0);
    assert_true(find_event(r, 0, "failover.role", "a: secondary -> primary") >= 0);
    assert_true(find_event(r, 0, "failover.done", "") < 0);
    assert_int_equal(metric(r, "rollbacks"), 1);
    assert_int_equal(metric(r, "failovers"), 1); /* the re-promotion is not one */
    assert_int_equal(metric(r, "false_failovers"), 0);
    run_result_free(r);
    scn_free(s);
}

static void test_dr_isolated_controller_promotes_its_own_region(void **state)
{
    (void)state;
    /* b is down; c, the controller, is cut off from a and b. Its only fresh reports are its
     * own checker's, which sees a down; on b, whose quorum is two, it has one fresh report:
     * unknown, not down. It can only act on what reaches it: it promotes its own region, the
     * one secondary that answers, while a goes on taking the writes of the clients that
     * reach it. Split brain, from nothing but honest code and a partition. */
    scn_scenario *s = load("90s", "\"controller\": \"c\"",
                           "{\"kind\": \"region_down\", \"region\": \"b\", \"at\": \"5s\"},"
                           "{\"kind\": \"partition\", \"groups\": [[\"c\"]], \"at\": \"5s\"}",
                           "\"a\", \"c\"");
    run_result   *r = run(s, 4);
    assert_true(find_event(r, 0, "failover.promote", "c is primary") >= 0);
    assert_true(find_event(r, 0, "alert", "split brain") >= 0);
    assert_int_equal(metric(r, "failovers"), 1);
    run_result_free(r);
    scn_free(s);
}

static void test_dr_partition_makes_split_brain(void **state)
{
    (void)state;
    /* a is cut off with its clients, who keep writing to it: two primaries until the
     * partition heals, and what a took meanwhile is lost when it learns of b. */
    scn_scenario *s = load("2m", "",
                           "{\"kind\": \"partition\", \"groups\": [[\"a\"]], "
                           "\"at\": \"20s\", \"for\": \"60s\"}",
                           "");
    run_result   *r = run(s, 5);
    assert_true(find_event(r, 0, "alert", "split brain") >= 0);
    /* After the heal, a learns it was replaced: from a replica that voids what it sends, or
     * (its control stream resumes first) from the announcement of the new primary. */
    assert_true(find_event(r, 0, "failover.stale", "a:") >= 0
                || find_event(r, 0, "failover.role", "a: primary -> syncing") >= 0
                || find_event(r, 0, "failover.role", "a: primary -> secondary") >= 0);
    /* From the promote (31 s) until a hears of b: the control stream to a has backed off
     * its retransmissions through the 60 s cut (RTO doubling from 1 s), so it resumes some
     * 40 s after the heal at 80 s. */
    assert_true(metric(r, "split_brain_s") > 30 && metric(r, "split_brain_s") < 100);
    assert_int_equal(metric(r, "false_failovers"), 1); /* a was up all along */
    assert_true(metric(r, "split_brain_lost") > 0);
    assert_int_equal(metric(r, "divergent_keys"), 0);
    run_result_free(r);
    scn_free(s);
}

static void test_dr_fence_keeps_the_old_primary_out(void **state)
{
    (void)state;
    scn_scenario *s = load("2m", "\"fence\": true",
                           "{\"kind\": \"region_down\", "
                           "\"region\": \"a\", \"at\": \"20s\", \"for\": \"40s\"}",
                           "");
    run_result   *r = run(s, 6);
    assert_true(find_event(r, 0, "failover.role", "a: recovering -> fenced") >= 0);
    assert_true(find_event(r, 0, "failover.role", "a: fenced ->") < 0);
    assert_int_equal(metric(r, "divergent_keys"), 0); /* fenced stores are out */
    run_result_free(r);
    scn_free(s);
}

static void test_dr_short_outage_needs_no_failover(void **state)
{
    (void)state;
    /* Back before anyone notices: a asks the controller, which says it is still primary. */
    scn_scenario *s = load("60s", "",
                           "{\"kind\": \"region_down\", \"region\": \"a\", "
                           "\"at\": \"20s\", \"for\": \"1s\"}",
                           "");
    run_result   *r = run(s, 7);
    assert_true(find_event(r, 0, "failover.role", "a: recovering -> primary") >= 0);
    assert_true(find_event(r, 0, "failover.detect", "") < 0);
    assert_int_equal(metric(r, "failovers"), 0);
    run_result_free(r);
    scn_free(s);
}

static void test_dr_needs_its_controller_and_automatic(void **state)
{
    (void)state;
    const char   *outage = "{\"kind\": \"region_down\", \"region\": \"a\", \"at\": \"20s\"}";
    scn_scenario *s = load("90s", "\"controller\": \"c\"",
                           "{\"kind\": \"region_down\", \"region\": \"c\", \"at\": \"1s\"},"
                           "{\"kind\": \"region_down\", \"region\": \"a\", \"at\": \"20s\"}",
                           "");
    run_result   *r = run(s, 8);
    assert_int_equal(metric(r, "failovers"), 0); /* the controller is down */
    run_result_free(r);
    scn_free(s);
    s = load("90s", "\"automatic\": false", outage, "");
    r = run(s, 8);
    assert_int_equal(metric(r, "failovers"), 0); /* drills only */
    assert_true(find_event(r, 0, "failover.detect", "") < 0);
    run_result_free(r);
    scn_free(s);
}

static void test_dr_fails_back_without_losing_anything(void **state)
{
    (void)state;
    /* a -> b -> a, and a third time to c: each promoted primary's new writes must reach
     * every replica at once, though the fences on its old log are still in force. */
    /* 60 s apart: a failover takes about 41 s to its verification (step timeout, the DNS
     * update's 30 s propagation, the 10 s TTL), and a drill during one is ignored. */
    scn_scenario *s = load("200s", "",
                           "{\"kind\": \"failover\", \"at\": \"20s\", \"to\": \"b\"},"
                           "{\"kind\": \"failover\", \"at\": \"80s\", \"to\": \"a\"},"
                           "{\"kind\": \"failover\", \"at\": \"140s\", \"to\": \"c\"}",
                           "");
    run_result   *r = run(s, 10);
    assert_int_equal(metric(r, "failovers"), 3);
    assert_int_equal(metric(r, "lost_writes"), 0);
    assert_int_equal(metric(r, "divergent_keys"), 0);
    /* When arrivals end, only the writes still on their way differ: about 10 writes/s times
     * a lag of about 0.1 s, one key on average (Poisson: more than 5 has odds below 1 in
     * 1,000). Writes held back by a fence would leave hundreds. Nothing differs after the
     * drain. */
    assert_true(metric(r, "divergent_keys_at_end") <= 5);
    assert_int_equal(metric(r, "drained"), 1);
    run_result_free(r);
    scn_free(s);
}

static void test_dr_controller_restart_resumes_the_promote(void **state)
{
    (void)state;
    /* The controller (in c) dies between sending the promote (20.052 s) and hearing the
     * answer (20.070 s); back, it promotes again (idempotent at b) and finishes: DNS moves,
     * writes flow. */
    scn_scenario *s = load("2m", "\"controller\": \"c\"",
                           "{\"kind\": \"failover\", \"at\": \"20s\", \"to\": \"b\"},"
                           "{\"kind\": \"region_down\", \"region\": \"c\", "
                           "\"at\": \"20065ms\", \"for\": \"10s\"}",
                           "");
    run_result   *r = run(s, 11);
    long          resumed = find_event(r, 0, "failover.resume", "promoting b again");
    assert_true(resumed >= 0);
    assert_true(find_event(r, (size_t)resumed, "failover.dns", "DNS answers b") >= 0);
    assert_true(find_event(r, 0, "failover.done", "a -> b") >= 0);
    assert_int_equal(metric(r, "failovers"), 1);
    assert_int_equal(metric(r, "lost_writes"), 0);
    /* Writes to a fail (read-only) until the controller is back and DNS has moved: about
     * 50 s of the 110 s (10 s down, the DNS update's 30 s propagation, a 10 s TTL), for the
     * writes, a tenth of the requests. */
    assert_true(metric(r, "availability") > 0.75);
    run_result_free(r);
    scn_free(s);
}

static void test_dr_controller_restart_before_promote_restores_the_primary(void **state)
{
    (void)state;
    /* Dead right after the drill demoted a: the failover is abandoned, and a is told it is
     * primary again (a new announcement), so writes flow. */
    scn_scenario *s = load("90s", "\"controller\": \"c\"",
                           "{\"kind\": \"failover\", \"at\": \"20s\", \"to\": \"b\"},"
                           "{\"kind\": \"region_down\", \"region\": \"c\", "
                           "\"at\": \"20005ms\", \"for\": \"10s\"}",
                           "");
    run_result   *r = run(s, 14);
    assert_true(find_event(r, 0, "failover.abort", "controller restarted") >= 0);
    assert_true(find_event(r, 0, "failover.role", "a: secondary -> primary") >= 0);
    assert_int_equal(metric(r, "failovers"), 0);
    assert_true(metric(r, "availability") > 0.8);
    run_result_free(r);
    scn_free(s);
}

static void test_dr_rejoin_during_a_failover_waits(void **state)
{
    (void)state;
    /* a is back while the controller is failing over from it: it must not be told it is
     * still primary (that would be two primaries without any partition). */
    scn_scenario *s = load("2m", "",
                           "{\"kind\": \"region_down\", \"region\": \"a\", "
                           "\"at\": \"20s\", \"for\": \"10500ms\"}",
                           "");
    run_result   *r = run(s, 12);
    assert_true(find_event(r, 0, "failover.detect", "") >= 0);
    assert_true(find_event(r, 0, "failover.role", "a: recovering -> primary") < 0);
    assert_true(metric(r, "split_brain_s") == 0);
    assert_int_equal(metric(r, "divergent_keys"), 0);
    run_result_free(r);
    scn_free(s);
}

static void test_dr_no_rollback_to_a_dead_primary(void **state)
{
    (void)state;
    /* a fails; b is promoted and dies during the TTL wait. Going back to a is pointless:
     * the controller fails over again, to c. */
    scn_scenario *s = load("3m", "\"controller\": \"c\"",
                           "{\"kind\": \"region_down\", \"region\": \"a\", \"at\": \"20s\"},"
                           "{\"kind\": \"region_down\", \"region\": \"b\", \"at\": \"35s\"}",
                           "");
    run_result   *r = run(s, 13);
    assert_true(find_event(r, 0, "failover.abort", "not there to go back to") >= 0);
    assert_true(find_event(r, 0, "failover.promote", "c is primary") >= 0);
    assert_true(find_event(r, 0, "failover.rollback", "") < 0);
    assert_int_equal(metric(r, "rollbacks"), 0);
    assert_int_equal(metric(r, "failovers"), 2);
    run_result_free(r);
    scn_free(s);
}

static void test_dr_is_deterministic(void **state)
{
    (void)state;
    scn_scenario *s = load("2m", "",
                           "{\"kind\": \"partition\", \"groups\": [[\"a\"]], "
                           "\"at\": \"20s\", \"for\": \"30s\"}",
                           "");
    run_result   *x = run(s, 9), *y = run(s, 9);
    assert_int_equal(x->nmetrics, y->nmetrics);
    for (size_t i = 0; i < x->nmetrics; i++)
        if (!(isnan(x->metrics[i].value) && isnan(y->metrics[i].value)))
            assert_true(x->metrics[i].value == y->metrics[i].value);
    assert_int_equal(x->nlog, y->nlog);
    for (size_t i = 0; i < x->nlog; i++) {
        assert_true(x->log[i].t == y->log[i].t);
        assert_string_equal(x->log[i].detail, y->log[i].detail);
    }
    run_result_free(x);
    run_result_free(y);
    scn_free(s);
}

/* --- validation ---------------------------------------------------------------------- */

#define VALIDATION_RUNS 300

/* Promotion takes time: the target replays what it received and had not applied, then
 * restarts as a writer for failover.promote_delay; the controller's promote step waits. */
static void test_dr_promotion_takes_its_delay(void **state)
{
    (void)state;
    scn_scenario *s = load("2m", "\"promote_delay\": \"20s\"",
                           "{\"kind\": \"region_down\", \"region\": \"a\", \"at\": \"20s\"}", "");
    run_result   *r = run(s, 3);
    long          select = find_event(r, 0, "failover.select", "");
    long          promote = find_event(r, 0, "failover.promote", "is primary");
    if (select < 0 || promote < 0) {
        dump(r);
        fail_msg("no select or promote");
    }
    double took = sim_time_s(r->log[promote].t - r->log[select].t);
    print_message("select to promote %.3f s (delay 20 s, plus replay and round trips)\n", took);
    assert_true(took >= 20 && took < 20.5);
    assert_int_equal(metric(r, "failovers"), 1);
    run_result_free(r);
    scn_free(s);
}

static void test_dr_failover_time_matches_theory(void **state)
{
    (void)state;
    const double I = 2, T = 0.5, K = 3, C = 5, step_timeout = 1, ttl = 10;
    sim_rng     *g = NULL;
    assert_int_equal(sim_rng_new(42, "test/dr", &g), 0);
    double   detect_sum = 0, done_sum = 0;
    sim_time s_propagation = 0;
    for (int i = 0; i < VALIDATION_RUNS; i++) {
        /* Uniform over 6 controller periods, so the wait for the next check is uniform. */
        double at = 20 + 6 * C * sim_rng_uniform(g);
        char   fault[128];
        snprintf(fault, sizeof fault,
                 "{\"kind\": \"region_down\", \"region\": \"a\", "
                 "\"at\": \"%.6fs\"}",
                 at);
        scn_scenario *s = load("100s", "", fault, "\"c\"");
        run_result   *r = run(s, (uint64_t)i + 1);
        s_propagation = s->dns.propagation;
        long detect = find_event(r, 0, "failover.detect", "");
        long done = find_event(r, 0, "failover.done", "");
        if (detect < 0 || done < 0) {
            dump(r);
            fail_msg("run %d: no complete failover", i);
        }
        detect_sum += sim_time_s(r->log[detect].t) - at;
        done_sum += sim_time_s(r->log[done].t - r->log[detect].t);
        run_result_free(r);
        scn_free(s);
    }
    sim_rng_free(g);
    double detect = detect_sum / VALIDATION_RUNS, done = done_sum / VALIDATION_RUNS;
    double want_detect = (K - 0.5) * I + T + C / 2;
    /* demote: no answer for step_timeout; select, promote: round trips of a few ms; the DNS
     * update's propagation and one TTL; verify: a round trip. */
    double want_done = step_timeout + sim_time_s(s_propagation) + ttl;
    print_message("detect after %.3fs (theory %.3fs); detect to done %.3fs (theory %.3fs "
                  "plus round trips)\n",
                  detect, want_detect, done, want_done);
    assert_true(fabs(detect - want_detect) / want_detect < 0.05);
    assert_true(done >= want_done && done < want_done * 1.01);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dr_outage_runs_every_step),
        cmocka_unit_test(test_dr_rpo_is_the_data_loss_window),
        cmocka_unit_test(test_dr_drill_loses_nothing),
        cmocka_unit_test(test_dr_rollback_when_the_target_fails),
        cmocka_unit_test(test_dr_isolated_controller_promotes_its_own_region),
        cmocka_unit_test(test_dr_partition_makes_split_brain),
        cmocka_unit_test(test_dr_fence_keeps_the_old_primary_out),
        cmocka_unit_test(test_dr_short_outage_needs_no_failover),
        cmocka_unit_test(test_dr_needs_its_controller_and_automatic),
        cmocka_unit_test(test_dr_fails_back_without_losing_anything),
        cmocka_unit_test(test_dr_controller_restart_resumes_the_promote),
        cmocka_unit_test(test_dr_controller_restart_before_promote_restores_the_primary),
        cmocka_unit_test(test_dr_rejoin_during_a_failover_waits),
        cmocka_unit_test(test_dr_no_rollback_to_a_dead_primary),
        cmocka_unit_test(test_dr_is_deterministic),
        cmocka_unit_test(test_dr_promotion_takes_its_delay),
        cmocka_unit_test(test_dr_failover_time_matches_theory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
