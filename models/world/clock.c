/* clock.c - a region's wall clock (true time plus an offset and a drift) and its hybrid
 * logical clock.
 *
 * The wall clock is computed, never stored: a reading is a pure function of true time and
 * the error that clock_set_error() last set, so a clock_skew fault that starts and ends is
 * two calls and nothing has to tick. The drift term is the one product that needs a double
 * (ppm x elapsed ns); it becomes sim_time through sim_time_from_ns(), the engine's single
 * double -> time conversion, and every sum saturates, so an absurd offset from a scenario
 * gives an absurd reading, never undefined behaviour.
 *
 * A slew (clock_slew_error()) is computed the same way: the error left at the slew's start
 * shrinks linearly at the slew rate until it is gone, so a reading is still a function of
 * true time alone. Rejected: stepping back at the end of a skew (the old rule), which no
 * NTP daemon does after boot and which makes a clock that ran ahead jump backwards.
 *
 * HLC: because timestamps are packed as l_us << 16 | c, the paper's update rules collapse to
 * integer maxima. "c + 1 within the same l" is the packed value + 1, and when c is 65535 that
 * carry is exactly "bump l by 1 us, c = 0", which keeps the order strict with no special
 * case. A local event is max(last + 1, pt << 16); a receive is max(max(last, remote) + 1,
 * pt << 16), which reproduces the paper's four cases (l' = l = l_m: max(c, c_m) + 1; l' = l:
 * c + 1; l' = l_m: c_m + 1; else 0). Rejected: keeping l and c apart in the state, which
 * would need the same carry logic written out twice and a packing step on every issue. */
#include "clock.h"

#include <assert.h>

#define LOGICAL_MASK ((INT64_C(1) << CLOCK_HLC_LOGICAL_BITS) - 1)
#define L_US_MAX     (INT64_MAX >> CLOCK_HLC_LOGICAL_BITS) /* 2^47 - 1 us, 4.46 years */

static sim_time add_sat(sim_time a, sim_time b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

void clock_init(clock_state *c) { *c = (clock_state){ 0 }; }

void clock_set_ntp(clock_state *c, sim_time error) { c->ntp = error; }

void clock_set_error(clock_state *c, sim_time now, sim_time offset, double drift_ppm)
{
    c->offset = offset;
    c->drift_ppm = drift_ppm;
    c->drift_since = now;
    c->slew_left = 0;
}

void clock_slew_error(clock_state *c, sim_time now, sim_time offset, double drift_ppm,
                      double slew_ppm)
{
    assert(slew_ppm > 0 && slew_ppm < 1e6);
    /* What the skew has the clock off by now, beyond NTP's own error. */
    sim_time error = add_sat(add_sat(clock_wall(c, now), -now), -c->ntp);
    clock_set_error(c, now, offset, drift_ppm);
    c->slew_left = add_sat(error, -offset);
    c->slew_since = now;
    c->slew_ppm = slew_ppm;
}

/* What is left of the slew at true time now: slew_left shrunk toward 0 by slew_ppm. */
static sim_time slew_remaining(const clock_state *c, sim_time now)
{
    if (c->slew_left == 0)
        return 0;
    double   done = c->slew_ppm * ((double)now - (double)c->slew_since) / 1e6;
    sim_time left = c->slew_left > 0 ? c->slew_left : -c->slew_left;
    if (done >= (double)left)
        return 0;
    sim_time shrink = sim_time_from_ns(done);
    return c->slew_left > 0 ? c->slew_left - shrink : c->slew_left + shrink;
}

sim_time clock_wall(const clock_state *c, sim_time now)
{
    sim_time wall = add_sat(add_sat(now, c->ntp), c->offset);
    if (c->drift_ppm != 0.0) {
        /* ppm x ns / 1e6 = ns: 1 ppm is 1 ns of error per ms of true time. The elapsed time
         * goes through double, exact up to 2^53 ns (104 days), plenty for one run. */
        double elapsed = (double)now - (double)c->drift_since;
        wall = add_sat(wall, sim_time_from_ns(c->drift_ppm * elapsed / 1e6));
    }
    return add_sat(wall, slew_remaining(c, now));
}

int64_t clock_hlc_pack(sim_time l_ns, uint32_t counter)
{
    int64_t l_us = l_ns < 0 ? 0 : l_ns / SIM_US; /* truncation is floor: l_ns >= 0 */
    if (l_us > L_US_MAX)
        l_us = L_US_MAX;
    /* Adding (not or-ing) the counter carries a counter beyond 65535 into l, the same rule
     * as the overflow of a local counter. */
    int64_t base = l_us << CLOCK_HLC_LOGICAL_BITS;
    return base > INT64_MAX - (int64_t)counter ? INT64_MAX : base + (int64_t)counter;
}

sim_time clock_hlc_physical(int64_t hlc)
{
    assert(hlc >= 0); /* packed timestamps never are negative */
    return (hlc >> CLOCK_HLC_LOGICAL_BITS) * SIM_US;
}

uint32_t clock_hlc_logical(int64_t hlc)
{
    assert(hlc >= 0);
    return (uint32_t)(hlc & LOGICAL_MASK);
}

/* The next packed timestamp after 'last' given physical time pt (packed with c = 0). */
static int64_t hlc_next(int64_t last, int64_t pt_packed)
{
    int64_t succ = last == INT64_MAX ? INT64_MAX : last + 1; /* saturates after 4.46 years */
    return succ > pt_packed ? succ : pt_packed;
}

int64_t clock_hlc_local(clock_state *c, sim_time now)
{
    c->hlc = hlc_next(c->hlc, clock_hlc_pack(clock_wall(c, now), 0));
    return c->hlc;
}

void clock_hlc_receive(clock_state *c, sim_time now, int64_t remote)
{
    int64_t seen = remote > c->hlc ? remote : c->hlc;
    c->hlc = hlc_next(seen, clock_hlc_pack(clock_wall(c, now), 0));
}
