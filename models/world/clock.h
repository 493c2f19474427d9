/* clock.h - a region's wall clock and its hybrid logical clock.
 *
 * The wall clock is what code under test stamps writes with: true time plus the region's
 * error: NTP's small residual offset, always there (clock_set_ntp(), scenario "clock.error"),
 * and what clock_skew faults set (an offset, and a drift in parts per million that
 * accumulates from the moment the skew starts). Last-write-wins on wall timestamps is then
 * wrong exactly as often as it is in life. A skew that ends is slewed back, as NTP slews a
 * clock it finds wrong (clock_slew_error()), not stepped.
 *
 * The hybrid logical clock (Kulkarni et al., 2014) is the better alternative: a timestamp is
 * (l, c) where l is the largest wall time seen (own or received) and c counts events within
 * one l. It never runs behind a timestamp the region has received, so a write that follows
 * another causally always gets a larger timestamp, whatever the wall clocks say. HLC
 * timestamps are packed in an int64 as l in microseconds << 16 | c, so they order as plain
 * integers; l's precision is 1 us and c saturates at 65535 (beyond it l is bumped by 1 us,
 * which keeps the order strict). The physical part is the wall reading clamped to
 * [0, 2^47 - 1] us: a clock set far behind (a big negative offset early in a run) reads
 * negative, and HLC treats that as 0, so its timestamps are never negative; the HLC still
 * advances by its counter, as it does whenever the wall clock lags. A reading beyond 4.46
 * years saturates there (and the packed value at INT64_MAX).
 *
 * A wall timestamp and an HLC timestamp are not comparable: a pattern uses one kind. */
#ifndef MRSIM_CLOCK_H
#define MRSIM_CLOCK_H

#include "sim.h"

typedef struct clock_state {
    sim_time offset;      /* ns added to true time */
    double   drift_ppm;   /* clock error grows by this many ns per ms
                                                 of true time since drift_since */
    sim_time drift_since; /* true time the drift started */
    int64_t  hlc;         /* last HLC timestamp issued or seen, packed */
    sim_time slew_left;   /* error still being slewed away at slew_since, ns
                                                 (0: none) */
    sim_time slew_since;  /* true time the slew started */
    double   slew_ppm;    /* slew rate: ns removed per ms of true time */
    sim_time ntp;         /* NTP's residual error, ns: always there */
} clock_state;

/* How fast NTP removes an error it finds: chrony's default maximum slew rate (chrony.conf(5),
 * maxslewrate: 83333.333 ppm, 1/12; with the usual "makestep 1 3" chrony steps only in its
 * first three updates after boot and slews afterwards). A 1 s error is gone in 12 s. */
#define CLOCK_SLEW_PPM 83333.333

#define CLOCK_HLC_LOGICAL_BITS 16

/* A clock with no error. */
void clock_init(clock_state *c);
/* Set the clock's NTP error, the part that is always there, apart from any clock_skew. */
void clock_set_ntp(clock_state *c, sim_time error);
/* Set the clock error from now on, at once (a clock_skew fault starting: a step). */
void clock_set_error(clock_state *c, sim_time now, sim_time offset, double drift_ppm);
/* Set the clock error from now on, as NTP does when a fault that put it wrong ends: the
 * error the clock has now beyond the new one is slewed away at slew_ppm (> 0, < 1e6), so
 * the reading never jumps and never runs backwards; it runs slow (or fast) by slew_ppm until
 * the new error is reached. */
void clock_slew_error(clock_state *c, sim_time now, sim_time offset, double drift_ppm,
                      double slew_ppm);

/* The wall clock reading at true time 'now', ns. */
sim_time clock_wall(const clock_state *c, sim_time now);

/* HLC: a timestamp for a local event (a write) at true time now. */
int64_t clock_hlc_local(clock_state *c, sim_time now);
/* HLC: merge a received timestamp (a replicated write) at true time now. */
void clock_hlc_receive(clock_state *c, sim_time now, int64_t remote);
/* Pack and unpack HLC timestamps. pack truncates l_ns to whole microseconds (clamped as
 * above); a counter beyond 65535 carries into l. The unpackers take hlc >= 0. */
int64_t  clock_hlc_pack(sim_time l_ns, uint32_t counter);
sim_time clock_hlc_physical(int64_t hlc); /* l in ns (a multiple of 1000) */
uint32_t clock_hlc_logical(int64_t hlc);

#endif
