/* net.c - message delivery with latency, jitter, loss, partitions and degraded links, over
 * datagrams and streams (net.h says what each transport promises).
 *
 * The datagram hot path is net_send(): two array lookups, at most three draws and one
 * schedule. The one-way base latencies are precomputed (RTT / 2, rounded down to the
 * nanosecond), and the partition and degradation checks are skipped entirely while no such
 * fault is active. Counting bytes across regions costs a comparison of two home regions and,
 * for messages that cross, a clock read and an add into a preallocated matrix.
 *
 * A stream is a ring of the segments it has not delivered yet, in order. The first 'nsched'
 * have been transmitted successfully and have a delivery event; the rest wait behind a
 * failed transmission (the head-of-line segment, whose retry timer is armed) and are
 * transmitted once it gets through. Each transmission is decided when it is made: loss and
 * partition are checked and the delay drawn then, its delivery time is max(arrival, the
 * previous segment's delivery) and its event is scheduled at once. Because deliveries are
 * scheduled in ring order at non-decreasing times, and the engine runs equal times in
 * schedule order, the delivery events fire in ring order and the handler pops the head.
 * Steady state costs one ring push and pop, an RTT update in integer arithmetic and one
 * event per segment, as a datagram; rings grow by doubling and are never shrunk.
 *
 * Rejected: planning every retransmission at send time (draw losses ahead, one event per
 * segment even under loss). It cannot know about partitions to come, so a cut would have to
 * rewrite plans reaching into the future; with one attempt decided at a time a cut only
 * needs to cancel the transmissions that had not started. */
#include "net.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "rng.h"

typedef struct seg {
    sim_handler *fn;
    void        *ctx;
    uint64_t     arg;
    uint64_t     bytes;
    sim_time     tx;      /* start of its successful transmission (scheduled only) */
    sim_time     deliver; /* its delivery time (scheduled only) */
    sim_event_id ev;      /* its delivery event (scheduled only) */
    uint64_t     id;      /* its position in the stream, checked on delivery */
} seg;

typedef struct stream {
    net         *n;
    seg         *ring;
    uint32_t     cap, head, len; /* len undelivered segments from head; cap a power of 2 */
    uint32_t     nsched;         /* the first nsched are scheduled for delivery */
    uint32_t     from, to;       /* regions */
    double       bandwidth;      /* bytes/s; 0: unlimited */
    double       ns_per_byte;    /* serialisation, 1e9 / bandwidth; 0: unlimited */
    sim_time     busy_until;     /* end of the last transmission, ns */
    sim_time     last_delivery;  /* delivery time of the last scheduled segment, ns */
    sim_time     srtt, rttvar;   /* RFC 6298 estimator, ns; valid when sampled */
    sim_time     rto;            /* current RTO before back-off, ns */
    bool         sampled;        /* at least one RTT sample */
    uint32_t     backoff;        /* timeouts in a row of the head segment */
    sim_event_id retry;          /* the head's retransmission timer; 0: none */
    uint64_t     next_id;        /* id of the next segment handed over */
    uint64_t     next_deliver;   /* id of the next segment to deliver */
} stream;

typedef struct link_state {
    dist  *extra; /* borrowed; NULL: no extra latency */
    double loss;  /* extra drop probability */
} link_state;

struct net {
    sim_engine *e;
    uint32_t    nregions, nendpoints;
    sim_time   *half;   /* one-way base latency, endpoints^2, ns */
    sim_rng   **rng;    /* one stream per sender endpoint */
    dist       *jitter; /* owned; NULL: no jitter */
    double      loss;   /* network.loss */
    uint8_t    *group;  /* partition group per endpoint */
    uint32_t   *home;   /* per endpoint: its region (a client's nearest) */
    bool        partitioned, degraded, cut;
    uint8_t    *cuts;                    /* regions^2: 1 when a -> b is cut one way */
    link_state *links;                   /* regions^2 */
    uint64_t   *cross;                   /* regions^2: bytes sent a -> b in the window */
    stream     *streams;                 /* regions^2: from * nregions + to */
    sim_time    count_from, count_until; /* the measured window [warmup, duration) */
    net_stats   stats;
};

/* The bandwidth of the stream a -> b, bytes/s: the pair's override, else the scenario's
 * default, else NET_BANDWIDTH_DEFAULT; 0 (unlimited) within a region. */
static double pair_bandwidth(const scn_network *sn, uint32_t a, uint32_t b)
{
    if (a == b)
        return 0;
    uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
    for (size_t i = 0; i < sn->nbw_pairs; i++)
        if (sn->bw_pairs[i].a == lo && sn->bw_pairs[i].b == hi)
            return sn->bw_pairs[i].bytes_per_s;
    return sn->bandwidth > 0 ? sn->bandwidth : NET_BANDWIDTH_DEFAULT;
}

int net_new(sim_engine *e, const scn_scenario *s, const topo *t, uint64_t seed, net **out,
            sim_err *err)
{
    int  rc = SIM_ENOMEM;
    net *n = sim_calloc(1, sizeof *n);
    if (!n)
        goto fail;
    n->e = e;
    n->nregions = topo_regions(t);
    n->nendpoints = topo_endpoints(t);
    n->loss = s->network.loss;
    size_t ne = n->nendpoints, nr = n->nregions;
    n->half = sim_calloc(ne * ne, sizeof *n->half);
    n->rng = sim_calloc(ne, sizeof *n->rng);
    n->group = sim_calloc(ne, sizeof *n->group);
    n->home = sim_calloc(ne, sizeof *n->home);
    n->links = sim_calloc(nr * nr, sizeof *n->links);
    n->cross = sim_calloc(nr * nr, sizeof *n->cross);
    n->streams = sim_calloc(nr * nr, sizeof *n->streams);
    n->cuts = sim_calloc(nr * nr, sizeof *n->cuts);
    n->count_from = s->warmup;
    n->count_until = s->duration;
    if (!n->half || !n->rng || !n->group || !n->home || !n->links || !n->cross || !n->streams
        || !n->cuts)
        goto fail;
    for (uint32_t a = 0; a < nr; a++)
        for (uint32_t b = 0; b < nr; b++) {
            stream *st = &n->streams[(size_t)a * nr + b];
            double  bw = pair_bandwidth(&s->network, a, b);
            st->n = n;
            st->from = a;
            st->to = b;
            st->bandwidth = bw;
            st->ns_per_byte = bw > 0 ? 1e9 / bw : 0;
            st->rto = NET_RTO_INITIAL;
        }
    for (uint32_t a = 0; a < ne; a++) {
        for (uint32_t b = 0; b < ne; b++)
            n->half[(size_t)a * ne + b] = topo_rtt(t, a, b) / 2;
        n->home[a] = a < nr ? a : topo_client_region(t, a - (uint32_t)nr, 0);
        char name[160];
        snprintf(name, sizeof name, "net/%s", topo_endpoint_name(t, a));
        if (sim_rng_new(seed, name, &n->rng[a]) < 0)
            goto fail;
    }
    if (s->network.has_jitter) {
        rc = dist_new_at(&s->network.jitter, &n->jitter, err, "network.jitter");
        if (rc < 0) {
            net_free(n);
            return rc;
        }
    }
    *out = n;
    return 0;
fail:
    net_free(n);
    return sim_err_set(err, rc, NULL, "out of memory building the network");
}

void net_free(net *n)
{
    if (!n)
        return;
    if (n->rng)
        for (uint32_t i = 0; i < n->nendpoints; i++)
            sim_rng_free(n->rng[i]);
    sim_free(n->rng);
    dist_free(n->jitter);
    sim_free(n->half);
    sim_free(n->group);
    sim_free(n->home);
    sim_free(n->links);
    sim_free(n->cross);
    sim_free(n->cuts);
    if (n->streams)
        for (size_t i = 0; i < (size_t)n->nregions * n->nregions; i++)
            sim_free(n->streams[i].ring);
    sim_free(n->streams);
    sim_free(n);
}

void net_send_sized(net *n, uint32_t from, uint32_t to, uint64_t bytes, sim_handler *fn, void *ctx,
                    uint64_t arg)
{
    n->stats.sent++;
    uint32_t ha = n->home[from], hb = n->home[to];
    if (ha != hb) {
        sim_time now = sim_now(n->e);
        if (now >= n->count_from && now < n->count_until)
            n->cross[(size_t)ha * n->nregions + hb] += bytes;
    }
    if ((n->partitioned && n->group[from] != n->group[to])
        || (n->cut && n->cuts[(size_t)ha * n->nregions + hb])) {
        n->stats.partitioned++;
        return;
    }
    double loss = n->loss;
    dist  *extra = NULL;
    if (n->degraded && from < n->nregions && to < n->nregions) {
        const link_state *l = &n->links[(size_t)from * n->nregions + to];
        loss = 1.0 - (1.0 - loss) * (1.0 - l->loss);
        extra = l->extra;
    }
    sim_rng *r = n->rng[from];
    if (loss > 0 && sim_rng_uniform(r) < loss) {
        n->stats.lost++;
        return;
    }
    sim_time delay = n->half[(size_t)from * n->nendpoints + to];
    if (n->jitter)
        delay += dist_sample_time(n->jitter, r);
    if (extra)
        delay += dist_sample_time(extra, r);
    sim_after(n->e, delay, fn, ctx, arg);
}

/* --- streams ------------------------------------------------------------------------ */

static seg *seg_at(const stream *s, uint32_t i) { return &s->ring[(s->head + i) & (s->cap - 1)]; }

/* How long 'bytes' take to leave at the stream's bandwidth, ns. */
static sim_time ser_time(const stream *s, uint64_t bytes)
{
    return s->ns_per_byte > 0 ? sim_time_from_ns((double)bytes * s->ns_per_byte) : 0;
}

static void stream_push(stream *s)
{
    if (s->len == s->cap) {
        /* Grow by doubling, unwrapping the ring into the new one. */
        uint32_t cap = s->cap ? s->cap * 2 : 16;
        seg     *ring = sim_malloc((size_t)cap * sizeof *ring);
        if (!ring || cap == 0)
            sim_panic("out of memory growing a stream to %u segments", (unsigned)cap);
        for (uint32_t i = 0; i < s->len; i++)
            ring[i] = *seg_at(s, i);
        sim_free(s->ring);
        s->ring = ring;
        s->cap = cap;
        s->head = 0;
    }
    s->len++;
}

/* RFC 6298 2.2-2.4 in integer nanoseconds (the divisions truncate, deterministically). */
static void rtt_sample(stream *s, sim_time r)
{
    if (!s->sampled) {
        s->srtt = r;
        s->rttvar = r / 2;
        s->sampled = true;
    } else {
        sim_time dev = s->srtt > r ? s->srtt - r : r - s->srtt;
        s->rttvar = s->rttvar - s->rttvar / 4 + dev / 4; /* beta = 1/4, with the old SRTT */
        s->srtt = s->srtt - s->srtt / 8 + r / 8;         /* alpha = 1/8 */
    }
    sim_time rto = s->srtt + 4 * s->rttvar; /* K = 4; G = 0 */
    s->rto = rto < NET_RTO_MIN ? NET_RTO_MIN : rto > NET_RTO_MAX ? NET_RTO_MAX : rto;
}

/* The head's RTO after 'backoff' timeouts in a row: doubled each time, at most NET_RTO_MAX. */
static sim_time backed_off_rto(const stream *s)
{
    sim_time rto = s->rto;
    for (uint32_t i = 0; i < s->backoff && rto < NET_RTO_MAX; i++)
        rto *= 2;
    return rto < NET_RTO_MAX ? rto : NET_RTO_MAX;
}

static void on_stream_deliver(sim_engine *e, void *ctx, uint64_t arg);
static void on_stream_retry(sim_engine *e, void *ctx, uint64_t arg);

/* Transmit the first unscheduled segment, starting no earlier than now. Returns true when it
 * gets through (its delivery is scheduled), false when it fails (its retry timer is armed
 * and everything behind it waits). */
static bool stream_transmit(net *n, stream *s)
{
    seg     *g = seg_at(s, s->nsched);
    sim_time now = sim_now(n->e);
    sim_time start = s->busy_until > now ? s->busy_until : now;
    sim_time end = start + ser_time(s, g->bytes);
    s->busy_until = end;
    bool     fail = false;
    double   loss = n->loss;
    dist    *extra = NULL;
    sim_rng *r = n->rng[s->from];
    if ((n->partitioned && n->group[s->from] != n->group[s->to])
        || (n->cut
            && (n->cuts[(size_t)s->from * n->nregions + s->to]
                || n->cuts[(size_t)s->to * n->nregions + s->from]))) {
        n->stats.partitioned++;
        fail = true;
    } else {
        if (n->degraded) {
            const link_state *l = &n->links[(size_t)s->from * n->nregions + s->to];
            loss = 1.0 - (1.0 - loss) * (1.0 - l->loss);
            extra = l->extra;
        }
        if (loss > 0 && sim_rng_uniform(r) < loss) {
            n->stats.lost++;
            fail = true;
        }
    }
    if (fail) {
        s->retry = sim_at(n->e, end + backed_off_rto(s), on_stream_retry, s, 0);
        s->backoff++;
        return false;
    }
    sim_time delay = n->half[(size_t)s->from * n->nendpoints + s->to];
    if (n->jitter)
        delay += dist_sample_time(n->jitter, r);
    if (extra)
        delay += dist_sample_time(extra, r);
    if (s->backoff == 0) /* Karn: no sample from a retransmission */
        rtt_sample(s, delay + n->half[(size_t)s->to * n->nendpoints + s->from]);
    s->backoff = 0;
    sim_time at = end + delay;
    if (at < s->last_delivery)
        at = s->last_delivery; /* in order: wait for the segment before */
    s->last_delivery = at;
    g->tx = start;
    g->deliver = at;
    g->ev = sim_at(n->e, at, on_stream_deliver, s, g->id);
    s->nsched++;
    return true;
}

/* Transmit what waits, in order, until everything is scheduled or one fails. */
static void stream_pump(net *n, stream *s)
{
    while (s->nsched < s->len && stream_transmit(n, s))
        ;
}

static void on_stream_deliver(sim_engine *e, void *ctx, uint64_t arg)
{
    stream *s = ctx;
    assert(s->nsched > 0 && seg_at(s, 0)->id == arg && arg == s->next_deliver);
    seg g = *seg_at(s, 0); /* the handler may send on this stream and grow the ring */
    s->head = (s->head + 1) & (s->cap - 1);
    s->len--;
    s->nsched--;
    s->next_deliver++;
    s->n->stats.stream_delivered++;
    g.fn(e, g.ctx, g.arg);
}

static void on_stream_retry(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    stream *s = ctx;
    net    *n = s->n;
    s->retry = 0;
    n->stats.stream_retransmits++;
    if (s->from != s->to) { /* the retransmitted bytes leave again */
        sim_time now = sim_now(e);
        if (now >= n->count_from && now < n->count_until)
            n->cross[(size_t)s->from * n->nregions + s->to] += seg_at(s, s->nsched)->bytes;
    }
    stream_pump(n, s);
}

void net_stream_send(net *n, uint32_t from, uint32_t to, uint64_t bytes, sim_handler *fn, void *ctx,
                     uint64_t arg)
{
    assert(from < n->nregions && to < n->nregions);
    n->stats.sent++;
    n->stats.stream_sent++;
    if (from != to) {
        sim_time now = sim_now(n->e);
        if (now >= n->count_from && now < n->count_until)
            n->cross[(size_t)from * n->nregions + to] += bytes;
    }
    stream *s = &n->streams[(size_t)from * n->nregions + to];
    stream_push(s);
    *seg_at(s, s->len - 1)
        = (seg){ .fn = fn, .ctx = ctx, .arg = arg, .bytes = bytes, .id = s->next_id++ };
    if (s->len > n->stats.stream_max_queued)
        n->stats.stream_max_queued = s->len;
    if (s->nsched + 1 == s->len) /* nothing waits ahead of it */
        stream_transmit(n, s);
}

/* The cut caught stream s: transmissions that had not started by now fail (one that starts
 * now was made before the cut, as a datagram sent now passes). Scheduled segments were
 * transmitted in order, so those are a suffix of the scheduled ones. */
static void stream_cut(net *n, stream *s, sim_time now)
{
    if (s->nsched == 0)
        return; /* idle, or already waiting on a retry timer */
    uint32_t i = s->nsched;
    while (i > 0 && seg_at(s, i - 1)->tx > now)
        i--;
    if (i == s->nsched)
        return; /* everything scheduled is in flight: the cut does not catch it */
    for (uint32_t k = i; k < s->nsched; k++)
        sim_cancel(n->e, seg_at(s, k)->ev);
    seg *g = seg_at(s, i);
    s->nsched = i;
    s->last_delivery = i > 0 ? seg_at(s, i - 1)->deliver : now;
    /* Segment i's transmission fails when it was due; the sender's timer runs from there. */
    sim_time end = g->tx + ser_time(s, g->bytes);
    s->busy_until = end;
    n->stats.partitioned++;
    sim_cancel(n->e, s->retry); /* a later segment was waiting already: this one fails first */
    s->retry = sim_at(n->e, end + backed_off_rto(s), on_stream_retry, s, 0);
    s->backoff++;
}

/* Drop segments [from, len) of s (cancelling what was scheduled) and start a new
 * connection: no RTT estimate, the initial RTO. */
static void stream_drop(net *n, stream *s, uint32_t from, sim_time now)
{
    for (uint32_t i = from; i < s->nsched; i++)
        sim_cancel(n->e, seg_at(s, i)->ev);
    sim_cancel(n->e, s->retry);
    n->stats.stream_reset += s->len - from;
    s->len = from;
    if (s->nsched > from)
        s->nsched = from;
    s->last_delivery = now;
    s->busy_until = now;
    if (from > 0) { /* what stays is on the wire until its transmission ends */
        const seg *g = seg_at(s, from - 1);
        sim_time   end = g->tx + ser_time(s, g->bytes);
        s->last_delivery = g->deliver;
        if (end > now)
            s->busy_until = end;
    }
    s->retry = 0;
    s->backoff = 0;
    s->sampled = false;
    s->srtt = s->rttvar = 0;
    s->rto = NET_RTO_INITIAL;
}

void net_stream_reset(net *n, uint32_t region)
{
    sim_time now = sim_now(n->e);
    for (uint32_t k = 0; k < n->nregions; k++) {
        /* Its outgoing streams keep what is on the wire (transmitted by now, as a cut
         * does); the ids of the dropped segments are never delivered, so the next
         * segment's id must follow the kept ones. */
        stream  *out = &n->streams[(size_t)region * n->nregions + k];
        uint32_t keep = out->nsched;
        while (keep > 0 && seg_at(out, keep - 1)->tx > now)
            keep--;
        out->next_id = out->next_deliver + keep;
        stream_drop(n, out, keep, now);
        if (k != region) {
            stream *in = &n->streams[(size_t)k * n->nregions + region];
            in->next_id = in->next_deliver;
            stream_drop(n, in, 0, now);
        }
    }
}

void net_set_partition(net *n, const uint8_t *group_of)
{
    uint32_t nr = n->nregions;
    uint8_t  was[SCN_MAX_REGIONS]; /* regions are the endpoints 0 .. nregions - 1 */
    memcpy(was, n->group, nr);
    n->partitioned = group_of != NULL;
    for (uint32_t ep = 0; ep < n->nendpoints; ep++)
        n->group[ep] = group_of ? group_of[n->home[ep]] : 0;
    if (!n->partitioned)
        return;
    sim_time now = sim_now(n->e);
    for (uint32_t a = 0; a < nr; a++)
        for (uint32_t b = 0; b < nr; b++)
            if (was[a] == was[b] && n->group[a] != n->group[b])
                stream_cut(n, &n->streams[(size_t)a * nr + b], now);
}

void net_degrade_link(net *n, uint32_t a, uint32_t b, dist *extra, double loss)
{
    link_state l = { .extra = extra, .loss = loss };
    n->links[(size_t)a * n->nregions + b] = l;
    n->links[(size_t)b * n->nregions + a] = l;
    n->degraded = true;
}

void net_cut_link(net *n, uint32_t a, uint32_t b)
{
    uint32_t nr = n->nregions;
    assert(a < nr && b < nr && a != b);
    n->cuts[(size_t)a * nr + b] = 1;
    n->cut = true;
    /* Both streams between a and b need the a -> b direction (data or acknowledgements).
     * Cutting a stream already cut catches nothing: none of its transmissions got through
     * since. */
    sim_time now = sim_now(n->e);
    stream_cut(n, &n->streams[(size_t)a * nr + b], now);
    stream_cut(n, &n->streams[(size_t)b * nr + a], now);
}

void net_clear_cuts(net *n)
{
    memset(n->cuts, 0, (size_t)n->nregions * n->nregions);
    n->cut = false;
}

void net_clear_degradations(net *n)
{
    for (size_t i = 0; i < (size_t)n->nregions * n->nregions; i++)
        n->links[i] = (link_state){ 0 };
    n->degraded = false;
}

net_stats net_get_stats(const net *n) { return n->stats; }

uint64_t net_cross_bytes(const net *n, uint32_t a, uint32_t b)
{
    return n->cross[(size_t)a * n->nregions + b];
}

bool net_connected(const net *n, uint32_t a, uint32_t b)
{
    return (!n->partitioned || n->group[a] == n->group[b])
        && (!n->cut || !n->cuts[(size_t)n->home[a] * n->nregions + n->home[b]]);
}

double net_bandwidth(const net *n, uint32_t a, uint32_t b)
{
    return n->streams[(size_t)a * n->nregions + b].bandwidth;
}
