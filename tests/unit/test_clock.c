/* test_clock.c - the wall clock (offset, drift, negative readings) and the hybrid logical
 * clock (monotonic when the wall clock jumps back, receive, packing, counter overflow). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "clock.h"

/* --- wall clock --------------------------------------------------------------------- */

static void test_clock_init_reads_true_time(void **state)
{
    (void)state;
    clock_state c;
    clock_init(&c);
    assert_int_equal(clock_wall(&c, 0), 0);
    assert_int_equal(clock_wall(&c, 17 * SIM_S + 3), 17 * SIM_S + 3);
    assert_int_equal(c.hlc, 0);
}

static void test_clock_wall_offset_and_drift(void **state)
{
    (void)state;
    clock_state c;
    clock_init(&c);
    clock_set_error(&c, 10 * SIM_S, 5 * SIM_MS, 100.0);
    assert_int_equal(c.drift_since, 10 * SIM_S);
    /* At the start of the skew only the offset counts. */
    assert_int_equal(clock_wall(&c, 10 * SIM_S), 10 * SIM_S + 5 * SIM_MS);
    /* 100 ppm over 10 s of true time is 1 ms. */
    assert_int_equal(clock_wall(&c, 20 * SIM_S), 20 * SIM_S + 5 * SIM_MS + 1 * SIM_MS);
    /* 1 ppm is 1 ns per ms; fractions round to the nearest ns. */
    clock_set_error(&c, 0, 0, 1.0);
    assert_int_equal(clock_wall(&c, 3 * SIM_MS), 3 * SIM_MS + 3);
    assert_int_equal(clock_wall(&c, 2500 * SIM_US), 2500 * SIM_US + 3); /* 2.5 -> 3 */
    /* A slow clock, behind by 250 ppm, with a negative offset. */
    clock_set_error(&c, SIM_MIN, -2 * SIM_S, -250.0);
    assert_int_equal(clock_wall(&c, 2 * SIM_MIN), 2 * SIM_MIN - 2 * SIM_S - 15 * SIM_MS);
}

static void test_clock_set_error_restarts_drift(void **state)
{
    (void)state;
    clock_state c;
    clock_init(&c);
    clock_set_error(&c, 0, 0, 1000.0);
    assert_int_equal(clock_wall(&c, SIM_S), SIM_S + SIM_MS);
    clock_set_error(&c, SIM_S, 0, 1000.0); /* the drift counts from the new start */
    assert_int_equal(clock_wall(&c, SIM_S), SIM_S);
    assert_int_equal(clock_wall(&c, 2 * SIM_S), 2 * SIM_S + SIM_MS);
    clock_set_error(&c, 2 * SIM_S, 0, 0.0); /* the skew ends */
    assert_int_equal(clock_wall(&c, 5 * SIM_S), 5 * SIM_S);
}

/* A skew that ends is slewed away, never stepped: a clock 1 s ahead at 10 s loses 1/12 of
 * a second per second (chrony's maximum slew rate) until it is right at 22 s; it never reads
 * a time it read before. A clock behind catches up the same way. */
static void test_clock_slew_back_after_a_skew(void **state)
{
    (void)state;
    clock_state c;
    clock_init(&c);
    clock_set_error(&c, 0, SIM_S, 0.0);
    assert_int_equal(clock_wall(&c, 10 * SIM_S), 11 * SIM_S);
    clock_slew_error(&c, 10 * SIM_S, 0, 0.0, CLOCK_SLEW_PPM);
    assert_int_equal(clock_wall(&c, 10 * SIM_S), 11 * SIM_S); /* no jump */
    assert_true(llabs(clock_wall(&c, 16 * SIM_S) - (16 * SIM_S + SIM_S / 2)) <= 1000);
    assert_int_equal(clock_wall(&c, 22 * SIM_S + SIM_MS), 22 * SIM_S + SIM_MS);
    assert_int_equal(clock_wall(&c, 60 * SIM_S), 60 * SIM_S);
    sim_time last = 0;
    for (sim_time t = 9 * SIM_S; t < 24 * SIM_S; t += 10 * SIM_MS) {
        assert_true(clock_wall(&c, t) >= last);
        last = clock_wall(&c, t);
    }
    clock_set_error(&c, 60 * SIM_S, -2 * SIM_S, 0.0);
    clock_slew_error(&c, 70 * SIM_S, 0, 0.0, CLOCK_SLEW_PPM);
    assert_true(llabs(clock_wall(&c, 82 * SIM_S) - (82 * SIM_S - SIM_S)) <= 1000);
    assert_int_equal(clock_wall(&c, 95 * SIM_S), 95 * SIM_S);
}

/* NTP's residual error is always there: under a skew, and after the skew has been slewed
 * away, the clock is off by it, not by zero. */
static void test_clock_ntp_error_outlives_a_skew(void **state)
{
    (void)state;
    clock_state c;
    clock_init(&c);
    clock_set_ntp(&c, 300 * SIM_US);
    assert_int_equal(clock_wall(&c, SIM_S), SIM_S + 300 * SIM_US);
    clock_set_error(&c, SIM_S, 100 * SIM_MS, 0.0);
    assert_int_equal(clock_wall(&c, 2 * SIM_S), 2 * SIM_S + 100 * SIM_MS + 300 * SIM_US);
    clock_slew_error(&c, 2 * SIM_S, 0, 0.0, CLOCK_SLEW_PPM);
    assert_int_equal(clock_wall(&c, 2 * SIM_S), 2 * SIM_S + 100 * SIM_MS + 300 * SIM_US);
    assert_int_equal(clock_wall(&c, 10 * SIM_S), 10 * SIM_S + 300 * SIM_US);
}

static void test_clock_wall_negative_and_saturating(void **state)
{
    (void)state;
    clock_state c;
    clock_init(&c);
    clock_set_error(&c, 0, -SIM_HOUR, 0.0);
    assert_int_equal(clock_wall(&c, SIM_S), SIM_S - SIM_HOUR);
    clock_set_error(&c, 0, INT64_MAX, 0.0);
    assert_true(clock_wall(&c, SIM_S) == INT64_MAX);
    clock_set_error(&c, 0, INT64_MIN, -1e6);
    assert_true(clock_wall(&c, SIM_S) == INT64_MIN);
}

/* --- HLC ---------------------------------------------------------------------------- */

static void test_clock_hlc_pack_round_trip(void **state)
{
    (void)state;
    const sim_time ls[] = { 0, SIM_US, 123456789 * SIM_US, 3 * SIM_HOUR, 400 * 24 * SIM_HOUR };
    const uint32_t cs[] = { 0, 1, 7, 65535 };
    for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++)
        for (size_t j = 0; j < sizeof cs / sizeof cs[0]; j++) {
            int64_t h = clock_hlc_pack(ls[i], cs[j]);
            assert_true(h >= 0);
            assert_int_equal(clock_hlc_physical(h), ls[i]);
            assert_int_equal(clock_hlc_logical(h), cs[j]);
        }
    /* Sub-microsecond parts are truncated; order follows (l, c). */
    assert_int_equal(clock_hlc_physical(clock_hlc_pack(1999, 0)), SIM_US);
    assert_true(clock_hlc_pack(SIM_US, 65535) < clock_hlc_pack(2 * SIM_US, 0));
    assert_true(clock_hlc_pack(2 * SIM_US, 0) < clock_hlc_pack(2 * SIM_US, 1));
    /* A counter beyond 65535 carries into l. */
    assert_int_equal(clock_hlc_pack(SIM_US, 65536), clock_hlc_pack(2 * SIM_US, 0));
    /* Negative physical time is clamped at 0. */
    assert_int_equal(clock_hlc_pack(-5 * SIM_S, 3), clock_hlc_pack(0, 3));
}

static void test_clock_hlc_follows_wall(void **state)
{
    (void)state;
    clock_state c;
    clock_init(&c);
    clock_set_error(&c, 0, 7 * SIM_MS, 0.0);
    int64_t h = clock_hlc_local(&c, SIM_S);
    assert_int_equal(clock_hlc_physical(h), SIM_S + 7 * SIM_MS);
    assert_int_equal(clock_hlc_logical(h), 0);
    /* Two events within one microsecond: the counter orders them. */
    int64_t h2 = clock_hlc_local(&c, SIM_S + 400);
    assert_int_equal(clock_hlc_physical(h2), SIM_S + 7 * SIM_MS);
    assert_int_equal(clock_hlc_logical(h2), 1);
    /* The wall clock moves on: the counter resets. */
    int64_t h3 = clock_hlc_local(&c, 2 * SIM_S);
    assert_int_equal(clock_hlc_physical(h3), 2 * SIM_S + 7 * SIM_MS);
    assert_int_equal(clock_hlc_logical(h3), 0);
    assert_int_equal(c.hlc, h3);
}

static void test_clock_hlc_monotonic_when_wall_goes_back(void **state)
{
    (void)state;
    clock_state c;
    clock_init(&c);
    int64_t prev = clock_hlc_local(&c, 10 * SIM_S);
    /* The clock is set back by an hour: wall readings drop, HLC must not. */
    clock_set_error(&c, 10 * SIM_S + SIM_MS, -SIM_HOUR, 0.0);
    assert_true(clock_wall(&c, 11 * SIM_S) < 10 * SIM_S);
    for (int i = 0; i < 1000; i++) {
        int64_t h = clock_hlc_local(&c, 11 * SIM_S + i * SIM_MS);
        assert_true(h > prev);
        assert_int_equal(clock_hlc_physical(h), 10 * SIM_S); /* l holds the last maximum */
        prev = h;
    }
    /* Drift backwards, too. */
    clock_set_error(&c, 12 * SIM_S, 0, -999999.0);
    for (int i = 0; i < 100; i++) {
        int64_t h = clock_hlc_local(&c, 12 * SIM_S + i * SIM_S);
        assert_true(h > prev);
        prev = h;
    }
}

static void test_clock_hlc_negative_wall_at_start(void **state)
{
    (void)state;
    clock_state c;
    clock_init(&c);
    clock_set_error(&c, 0, -SIM_HOUR, 0.0); /* the wall reads -1h at time 0 */
    int64_t prev = -1;
    for (int i = 0; i < 10; i++) {
        int64_t h = clock_hlc_local(&c, i * SIM_MS);
        assert_true(h >= 0);
        assert_true(h > prev);
        assert_int_equal(clock_hlc_physical(h), 0);
        prev = h;
    }
    /* Once the wall reading passes 0, l follows it. */
    int64_t h = clock_hlc_local(&c, SIM_HOUR + SIM_S);
    assert_int_equal(clock_hlc_physical(h), SIM_S);
    assert_int_equal(clock_hlc_logical(h), 0);
}

static void test_clock_hlc_receive_orders_after_remote(void **state)
{
    (void)state;
    clock_state a, b;
    clock_init(&a);
    clock_init(&b);
    clock_set_error(&a, 0, 5 * SIM_S, 0.0); /* a runs 5 s ahead of b */
    int64_t sent = clock_hlc_local(&a, SIM_S);
    int64_t before = clock_hlc_local(&b, SIM_S + SIM_MS);
    assert_true(before < sent); /* b's own clock is behind */
    clock_hlc_receive(&b, SIM_S + 2 * SIM_MS, sent);
    int64_t after = clock_hlc_local(&b, SIM_S + 3 * SIM_MS);
    assert_true(after > sent);
    assert_int_equal(clock_hlc_physical(after), clock_hlc_physical(sent));
    /* Receiving an older timestamp does not move the clock back. */
    clock_hlc_receive(&b, SIM_S + 4 * SIM_MS, before);
    assert_true(clock_hlc_local(&b, SIM_S + 5 * SIM_MS) > after);
}

static void test_clock_hlc_receive_cases(void **state)
{
    (void)state;
    clock_state c;
    clock_init(&c);
    const sim_time t = 10 * SIM_S;
    /* l' = l = l_m: max(c, c_m) + 1 */
    c.hlc = clock_hlc_pack(t + SIM_S, 4);
    clock_hlc_receive(&c, t, clock_hlc_pack(t + SIM_S, 9));
    assert_int_equal(c.hlc, clock_hlc_pack(t + SIM_S, 10));
    /* l' = l: c + 1 */
    c.hlc = clock_hlc_pack(t + SIM_S, 4);
    clock_hlc_receive(&c, t, clock_hlc_pack(t + SIM_MS, 9));
    assert_int_equal(c.hlc, clock_hlc_pack(t + SIM_S, 5));
    /* l' = l_m: c_m + 1 */
    c.hlc = clock_hlc_pack(t + SIM_MS, 4);
    clock_hlc_receive(&c, t, clock_hlc_pack(t + SIM_S, 9));
    assert_int_equal(c.hlc, clock_hlc_pack(t + SIM_S, 10));
    /* l' = pt: 0 */
    c.hlc = clock_hlc_pack(t - SIM_S, 4);
    clock_hlc_receive(&c, t, clock_hlc_pack(t - SIM_MS, 9));
    assert_int_equal(c.hlc, clock_hlc_pack(t, 0));
    /* pt equal to both l and l_m: still max(c, c_m) + 1 */
    c.hlc = clock_hlc_pack(t, 4);
    clock_hlc_receive(&c, t, clock_hlc_pack(t, 2));
    assert_int_equal(c.hlc, clock_hlc_pack(t, 5));
}

static void test_clock_hlc_counter_overflow_keeps_order(void **state)
{
    (void)state;
    clock_state c;
    clock_init(&c);
    /* The wall clock stands still (true time does not move), so every event bumps c. */
    int64_t first = clock_hlc_local(&c, SIM_S);
    int64_t prev = first;
    for (uint32_t i = 1; i <= 70000; i++) {
        int64_t h = clock_hlc_local(&c, SIM_S);
        assert_true(h > prev);
        assert_true(clock_hlc_logical(h) <= 65535);
        prev = h;
    }
    /* 70000 events past (1 s, 0): (1 s + 1 us, 70000 - 65536). */
    assert_int_equal(clock_hlc_physical(prev), SIM_S + SIM_US);
    assert_int_equal(clock_hlc_logical(prev), 70000 - 65536);
    /* The same carry at receive. */
    c.hlc = clock_hlc_pack(2 * SIM_S, 65535);
    clock_hlc_receive(&c, SIM_S, clock_hlc_pack(2 * SIM_S, 65535));
    assert_int_equal(c.hlc, clock_hlc_pack(2 * SIM_S + SIM_US, 0));
    /* And when the wall clock reaches the bumped l, the counter keeps going. */
    int64_t h = clock_hlc_local(&c, 2 * SIM_S + SIM_US);
    assert_int_equal(h, clock_hlc_pack(2 * SIM_S + SIM_US, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_init_reads_true_time),
        cmocka_unit_test(test_clock_wall_offset_and_drift),
        cmocka_unit_test(test_clock_set_error_restarts_drift),
        cmocka_unit_test(test_clock_slew_back_after_a_skew),
        cmocka_unit_test(test_clock_ntp_error_outlives_a_skew),
        cmocka_unit_test(test_clock_wall_negative_and_saturating),
        cmocka_unit_test(test_clock_hlc_pack_round_trip),
        cmocka_unit_test(test_clock_hlc_follows_wall),
        cmocka_unit_test(test_clock_hlc_monotonic_when_wall_goes_back),
        cmocka_unit_test(test_clock_hlc_negative_wall_at_start),
        cmocka_unit_test(test_clock_hlc_receive_orders_after_remote),
        cmocka_unit_test(test_clock_hlc_receive_cases),
        cmocka_unit_test(test_clock_hlc_counter_overflow_keeps_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
