/* net.h - the network: every interaction between endpoints is a message that arrives after
 * the link's sampled one-way latency, or never. Two transports carry messages.
 *
 * DATAGRAM (net_send, net_send_sized), like UDP: client requests and answers, health probes,
 * DNS queries. Each message is on its own: one-way latency = RTT / 2 + jitter
 * (network.jitter) + the extra latency of a degraded link, drawn independently, so jitter
 * reorders messages on a link. A message is dropped with the link's loss probability, or
 * when a partition separates the sender's group from the receiver's; the sender is not told
 * (it finds out through its own timeout, as in life). Dropped datagrams are decided at send
 * time: a partition that starts while a message is in flight does not catch it.
 *
 * STREAM (net_stream_send), like TCP, between two regions only: replication, control
 * messages, invalidations, resync snapshots. One connection per ordered pair of regions.
 *   - In order, always: a segment is delivered at max(its own arrival, the previous
 *     segment's delivery on that stream), and deliveries are scheduled in stream order, so
 *     jitter changes delays but never reorders a stream.
 *   - Bandwidth: a segment serialises at the pair's bandwidth (network.bandwidth) behind the
 *     earlier bytes of its stream: it starts at max(now, the end of the previous
 *     transmission) and arrives bytes / bandwidth later plus the one-way latency above.
 *   - Loss: a lost transmission is repeated after the retransmission timeout (RTO) of RFC
 *     6298: SRTT and RTTVAR from RTT samples (alpha 1/8, beta 1/4, K = 4, clock granularity
 *     G = 0 for a nanosecond clock), 1 s before the first sample, doubled on each timeout in
 *     a row ("back off", RFC 6298 5.5), never below Linux's 200 ms (TCP_RTO_MIN, in place of
 *     the RFC's 1 s floor) nor above Linux's 120 s (TCP_RTO_MAX). Karn's rule: a repeated
 *     transmission gives no sample. An RTT sample is the sampled one-way delay of the
 *     segment (latency + jitter + degraded-link extra, without serialisation) plus the
 *     reverse base one-way latency (the acknowledgement's jitter is not drawn), taken when
 *     the segment is transmitted rather than an RTT later. Segments behind a failed one wait
 *     for it (head-of-line blocking) and are transmitted after it gets through.
 *   - Partitions break the connection: a transmission during the cut fails like a loss and
 *     is retried with the backed-off RTO, so the sender learns of the cut only by its
 *     timeouts and resumes after the heal, at its next retry, from the first undelivered
 *     segment. A segment whose transmission started before the cut is in flight and
 *     arrives; one that had not started fails. Nothing queued is lost by a partition; a
 *     stream is never abandoned (a real stack gives up after tcp_retries2, about 15 min).
 *   - A crash loses the connection: net_stream_reset() drops what its streams hold but what
 *     is already on the wire.
 *   - A link degradation applies to transmissions planned while it is active: segments
 *     already planned (in flight or queued for serialisation) keep their fate.
 *   - Recovery is TCP's after an RTO (the head alone, then what follows), with no fast
 *     retransmit: under heavy loss a stream stalls an RTO per lost segment and its queue
 *     grows, as a real connection's throughput collapses. An application's own resend
 *     timer adds duplicates behind the stall (their bytes count).
 *   - A region's stream to itself has no serialisation (bandwidth unlimited) and no RTT
 *     base; it is otherwise a stream like the others.
 *
 * One-way cuts (net_cut_link(a, b)): every message travelling from a to b is lost, where an
 * endpoint stands for its home region as in a partition (a client is cut with its nearest
 * region), and messages from b to a pass. A datagram from a to b is dropped (counted in
 * 'partitioned'); one from b to a arrives, but its answer, travelling a -> b, is lost, so a
 * probe from b fails. A stream needs both directions (data one way, acknowledgements the
 * other), so a cut breaks both streams between a and b exactly as a partition does: on
 * a -> b the data is lost; on b -> a the acknowledgements are, and the sender, which learns
 * of delivery only through them, stalls and retransmits after its RTO. This takes TCP's
 * window as zero: a real b -> a connection would deliver up to a window of data first.
 *
 * Partitions: each region belongs to a group; a client belongs to the group of its nearest
 * region ("clients stay with their nearest group"). With no partition all share group 0.
 * A region that is down drops messages itself: that is the region's business, not the
 * network's (see region.h).
 *
 * Random draws (loss, jitter, extra latency) come from one stream per sender endpoint,
 * "net/<endpoint name>", for both transports, so a new client does not change what an
 * existing sender draws; a stream retransmission draws again, at the time it is made.
 *
 * Bytes across regions (what cross-region transfer costs): every message has a size, and
 * the network adds it to a matrix per (sender's region, receiver's region) when the two
 * differ, where a client's region is its home, the nearest region (clients stand for the
 * application tier of that region). Only messages sent in the measured window [warmup,
 * duration) count, so the figure scales to a rate over that window. A message counts when it
 * is sent, dropped or not: providers bill egress where the bytes leave. A stream segment
 * counts when it is handed over and again for each retransmission (the bytes leave again). */
#ifndef MRSIM_NET_H
#define MRSIM_NET_H

#include "dist.h"
#include "engine.h"
#include "topo.h"

/* The default bandwidth of one stream (network.bandwidth), bytes/s: 100 MB/s (800 Mbit/s).
 * A single TCP connection moves at most min(the path's per-flow cap, receive window / RTT).
 * AWS caps one flow (a 5-tuple) leaving a cluster placement group at 5 Gbit/s ("Amazon EC2
 * instance network bandwidth", EC2 User Guide), so the window binds first: Linux's default
 * maximum receive buffer is 6 MiB (net.ipv4.tcp_rmem, Documentation/networking/
 * ip-sysctl.rst), and 6 MiB over a typical cross-region RTT of 60 ms is about 105 MB/s
 * (transatlantic, 70-80 ms: 80-90 MB/s). Rounded to 100 MB/s, which is also the transfer rate
 * the failover controller assumes for a snapshot. */
#define NET_BANDWIDTH_DEFAULT 100e6
#define NET_RTO_INITIAL       (1 * SIM_S)    /* RFC 6298 2.1 */
#define NET_RTO_MIN           (200 * SIM_MS) /* Linux TCP_RTO_MIN (HZ / 5) */
#define NET_RTO_MAX           (120 * SIM_S)  /* Linux TCP_RTO_MAX (120 * HZ) */

#define NET_HEADER_BYTES                                                                           \
    64 /* framing of one message (IP, TCP, TLS and
                                                 the RPC envelope, a round figure): the whole
                                                 size of a control message */

typedef struct net net; /* opaque */

/* Counters, since the start of the run. */
typedef struct net_stats {
    uint64_t sent; /* messages handed over, datagrams and stream segments */
    /* Transmissions dropped by link loss or a partition: a datagram is gone, a stream
     * segment is transmitted again after its RTO. */
    uint64_t lost;
    uint64_t partitioned;
    uint64_t stream_sent;        /* segments handed to net_stream_send */
    uint64_t stream_delivered;   /* segments delivered, in order */
    uint64_t stream_retransmits; /* transmissions repeated after an RTO */
    uint64_t stream_reset;       /* segments dropped by net_stream_reset (a crash) */
    uint64_t stream_max_queued;  /* most segments one stream held undelivered */
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

/* Send a message of 'bytes' bytes (framing included) over the stream from region 'from' to
 * region 'to' (both regions, not clients): fn(e, ctx, arg) runs when it is delivered, in
 * order after everything sent before on that stream, unless a net_stream_reset() of either
 * region drops it first. Lost transmissions and partitions delay it, never drop it. */
void net_stream_send(net *n, uint32_t from, uint32_t to, uint64_t bytes, sim_handler *fn, void *ctx,
                     uint64_t arg);
/* A region crashed: its connections are lost. Every segment not yet delivered on the streams
 * to it is dropped, and on the streams from it every segment not yet on the wire (queued,
 * waiting behind a failed transmission, or not started by now); segments it transmitted
 * before the crash are in flight and still arrive, as a cut does not catch them. The RTT
 * estimates are forgotten: a new connection starts from the initial RTO. */
void net_stream_reset(net *n, uint32_t region);

/* --- the world's faults ------------------------------------------------------------ */

/* Put region r in group group_of[r]; NULL heals every partition. A stream whose path a new
 * partition cuts fails its transmissions that had not started (see above). */
void net_set_partition(net *n, const uint8_t *group_of);
/* Degrade the link between regions a and b (both directions): extra one-way latency drawn
 * from 'extra' (NULL for none; borrowed, must outlive the degradation) and drop probability
 * 'loss'. net_clear_degradations() restores every link. */
void net_degrade_link(net *n, uint32_t a, uint32_t b, dist *extra, double loss);
void net_clear_degradations(net *n);
/* Cut the link from region a to region b (a != b) one way: messages a -> b are lost, b -> a
 * pass (streams between them stall both ways, see above). net_clear_cuts() restores every
 * link; a cut set again while it is in force changes nothing. */
void net_cut_link(net *n, uint32_t a, uint32_t b);
void net_clear_cuts(net *n);

/* --- query ------------------------------------------------------------------------- */

net_stats net_get_stats(const net *n);
/* Bytes sent in the measured window from region a to region b (a != b; 0 when a == b), by
 * the regions of sender and receiver as above. */
uint64_t net_cross_bytes(const net *n, uint32_t a, uint32_t b);
/* Whether a message from a to b would pass the partition and the one-way cuts (ignoring
 * loss). For the oracle and
 * tests only: code under test must not ask the network what it cannot see. */
bool net_connected(const net *n, uint32_t a, uint32_t b);
/* The bandwidth of the stream from region a to region b, bytes/s (0: unlimited, a == b). */
double net_bandwidth(const net *n, uint32_t a, uint32_t b);

#endif
