/* net.h - the network: every interaction between endpoints is a message that arrives after
 * the link's sampled one-way latency, or never.
 *
 * One-way latency = RTT / 2 + jitter (network.jitter) + the extra latency of a degraded link.
 * A message is dropped with the link's loss probability, or when a partition separates the
 * sender's group from the receiver's; the sender is not told (it finds out through its own
 * timeout, as in life). A region that is down drops messages itself: that is the region's
 * business, not the network's (see region.h).
 *
 * Partitions: each region belongs to a group; a client belongs to the group of its nearest
 * region ("clients stay with their nearest group"). With no partition all share group 0.
 *
 * Random draws (loss, jitter, extra latency) come from one stream per sender endpoint,
 * "net/<endpoint name>", so a new client does not change what an existing sender draws.
 * Dropped messages are decided at send time: a partition that starts while a message is in
 * flight does not catch it.
 *
 * Bytes across regions (what cross-region transfer costs): every message has a size, and
 * the network adds it to a matrix per (sender's region, receiver's region) when the two
 * differ, where a client's region is its home, the nearest region (clients stand for the
 * application tier of that region). Only messages sent in the measured window [warmup,
 * duration) count, so the figure scales to a rate over that window. A message counts when it
 * is sent, dropped or not: providers bill egress where the bytes leave. */
#ifndef MRSIM_NET_H
#define MRSIM_NET_H

#include "dist.h"
#include "engine.h"
#include "topo.h"

#define NET_HEADER_BYTES                                                                           \
    64 /* framing of one message (IP, TCP, TLS and
                                                 the RPC envelope, a round figure): the whole
                                                 size of a control message */

typedef struct net net; /* opaque */

/* Counters, since the start of the run. */
typedef struct net_stats {
    uint64_t sent;        /* messages handed to net_send */
    uint64_t lost;        /* dropped by link loss */
    uint64_t partitioned; /* dropped by a partition */
} net_stats;

/* --- create / destroy -------------------------------------------------------------- */

/* The network of s over topology t; e, s and t must outlive it. 0, SIM_EINVAL (a bad jitter
 * distribution) or SIM_ENOMEM. */
int  net_new(sim_engine *e, const scn_scenario *s, const topo *t, uint64_t seed, net **out,
             sim_err *err);
void net_free(net *n); /* NULL is a no-op */

/* --- run --------------------------------------------------------------------------- */

/* Send a message of 'bytes' bytes (framing included) from endpoint 'from' to endpoint 'to':
 * unless it is dropped, fn(e, ctx, arg) runs when it arrives. */
void net_send_sized(net *n, uint32_t from, uint32_t to, uint64_t bytes, sim_handler *fn, void *ctx,
                    uint64_t arg);
/* The same for a control message (a probe, an acknowledgement): NET_HEADER_BYTES. */
static inline void net_send(net *n, uint32_t from, uint32_t to, sim_handler *fn, void *ctx,
                            uint64_t arg)
{
    net_send_sized(n, from, to, NET_HEADER_BYTES, fn, ctx, arg);
}

/* --- the world's faults ------------------------------------------------------------ */

/* Put region r in group group_of[r]; NULL heals every partition. */
void net_set_partition(net *n, const uint8_t *group_of);
/* Degrade the link between regions a and b (both directions): extra one-way latency drawn
 * from 'extra' (NULL for none; borrowed, must outlive the degradation) and drop probability
 * 'loss'. net_clear_degradations() restores every link. */
void net_degrade_link(net *n, uint32_t a, uint32_t b, dist *extra, double loss);
void net_clear_degradations(net *n);

/* --- query ------------------------------------------------------------------------- */

net_stats net_get_stats(const net *n);
/* Bytes sent in the measured window from region a to region b (a != b; 0 when a == b), by
 * the regions of sender and receiver as above. */
uint64_t net_cross_bytes(const net *n, uint32_t a, uint32_t b);
/* Whether a message from a to b would pass the partition (ignoring loss). For the oracle and
 * tests only: code under test must not ask the network what it cannot see. */
bool net_connected(const net *n, uint32_t a, uint32_t b);

#endif
