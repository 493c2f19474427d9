/* engine.c - the discrete-event core: event records and handles, the pending-event queue,
 * and the run loop.
 *
 * Records. An event's handler, ctx and arg sit in a 32-byte record in one flat pool, grown
 * by doubling (a handle is an index, so records may move). Freed records go on a LIFO free
 * list, so the event a handler schedules reuses the record that just ran, still in cache.
 * A handle is generation << 32 | (slot + 1); the generation is bumped when the event runs or
 * is cancelled, so a stale handle never matches again (short of 2^32 reuses of one slot).
 * Cancelling clears fn and leaves the queue entry where it is; the entry is dropped and its
 * record freed when it reaches the front. 'pending' counts live events only.
 *
 * The queue is built from three parts, all holding 16-byte {time, slot} entries (the heap
 * adds a sequence number); ordering never reads a record.
 *  - A hierarchical timing wheel over the 64-bit time, one byte per level. An entry sits at
 *    the level of the highest byte in which its time differs from cur (the start of the
 *    span being run), in the bucket that byte selects. Every entry of a lower level is
 *    earlier than every entry of a higher one, so bitmaps find the earliest bucket: the
 *    lowest nonempty level, then its first bit. Buckets are chains of 1 KiB blocks from a
 *    pool, so memory follows the number of entries, not the number of buckets.
 *  - The run: the earliest bucket, copied into an array and sorted by an LSD radix sort on
 *    its low one or two bytes (insertion sort when short), then consumed from the front. A
 *    level-1 bucket (256 ns) always becomes the run; so does a level-2 bucket (65.5 us) of
 *    at most RUN_MAX entries. Any other bucket is spread over the levels below it, its
 *    first 256 ns straight into the run. A millisecond delay lands on level 2 or 3, so an
 *    entry is written about twice before it runs, always appended, never sifted.
 *  - The near heap, a binary heap on (time, seq), takes what is scheduled before the end of
 *    the run's span, which the sorted run cannot take cheaply: delays shorter than the span
 *    (sim_after(e, 0, ...) among them), and events scheduled after sim_engine_run() peeked
 *    at a later bucket, moved cur past 'until' and returned. Only events scheduled after
 *    the run was built go there, so on equal times the run's entry goes first.
 *
 * Equal times keep schedule order without a sequence number in the wheel: a bucket is
 * filled first, all at once, by the spreading of one higher bucket, whose order it keeps,
 * and then by new events, which come after everything queued; so by induction every bucket
 * is in schedule order, and both sorts are stable. tests/unit/test_engine.c checks the exact
 * order against a sorted-array reference.
 *
 * Measured (tests/bench, release build, this 2-core VM shared with other builds; best of 3;
 * instructions from valgrind --tool=callgrind, engine functions only):
 *
 *                       hold 1k     hold 100k   hold 1M     PHOLD 1024x16
 *   4-ary heap          7.2 M/s     4.4 M/s     2.4 M/s     4.0 M/s       447-767 instr/event
 *   this queue         15.8 M/s    14.8 M/s    10.3 M/s     9.2 M/s       165-215 instr/event
 *
 * The heap was a 4-ary heap of 16-byte (time, seq << 32 | slot) keys with each node's
 * children in one cache line; it loses to the wheel everywhere, at 1M by 4x: every pop
 * walks 10 levels of a 16 MB array. Taking level-2 buckets whole as the run, instead of
 * always spreading them over level 1, saves 64 instructions per event (28%) at hold 100k;
 * at hold 1M (65k entries per level-2 bucket, 1 MB) it gained nothing, hence RUN_MAX.
 * Prefetching the record 6 entries ahead in the run took hold 1M from 7.6 to 10 M/s
 * (records are 32 MB there). PHOLD is bound by its handler, not the queue: the two draws
 * from 1024 mt19937 streams (5 KB of state each, 5 MB in all, more than L2) cost 71-82 ns
 * per event with no engine at all, which capped it at 9.2 M/s; with a trivial generator in
 * their place this queue runs PHOLD at about 40 M/s. The streams are now taus2 (24 bytes of
 * state, see rng.c), and PHOLD runs at about 13.7 M/s.
 *
 * Not tried: a radix heap on (time, seq), whose binary digits would move an entry about
 * ten times per millisecond of delay where bytes move it about twice; calendar and ladder
 * queues, which need bucket widths tuned to the load, and sorted bottom lists, where this
 * wheel needs neither. */
#include <stdio.h>
#include <string.h>

#include "engine.h"

/* --- parameters -------------------------------------------------------------------- */

#define DIGIT_BITS     8                  /* bits of time per wheel level */
#define FANOUT         (1u << DIGIT_BITS) /* buckets per level */
#define NLEVELS        8                  /* 64 / DIGIT_BITS; level 0 is the run */
#define BLOCK_CAP      63                 /* entries per block: 16 + 63 * 16 = 1024 bytes */
#define CHUNK_BLOCKS   64                 /* blocks per allocation */
#define SORT_SMALL     32                 /* runs up to this long are insertion-sorted */
#define RUN_MAX        16384              /* a level-2 bucket this small becomes the run */
#define PREFETCH_AHEAD 6                  /* run entries ahead whose record is prefetched */
#define NIL            UINT32_MAX         /* end of the record free list */
#define MAX_RECORDS    (UINT32_MAX - 1)   /* handles keep slot + 1 in 32 bits */

/* --- types ------------------------------------------------------------------------- */

/* An event record; a handle names its slot and generation. */
typedef struct ev_rec {
    sim_handler *fn;   /* NULL while free or cancelled */
    void        *ctx;  /* the caller's, never read */
    uint64_t     arg;  /* the caller's, never read */
    uint32_t     gen;  /* bumped when the event runs or is cancelled */
    uint32_t     next; /* free-list link while free */
} ev_rec;

/* A queue entry in the wheel and the run: 16 bytes, never dereferenced to be ordered. */
typedef struct qent {
    uint64_t t;    /* event time, ns (>= 0, so unsigned is exact) */
    uint64_t slot; /* index into the record pool */
} qent;

/* An entry of the near heap, which needs the sequence number explicitly. */
typedef struct hent {
    uint64_t t;    /* event time, ns */
    uint64_t seq;  /* heap insertion order */
    uint64_t slot; /* index into the record pool */
} hent;

typedef struct qblock {
    struct qblock *next; /* next block of the same bucket, or free list */
    uint64_t       n;    /* entries used */
    qent           e[BLOCK_CAP];
} qblock;

typedef struct qchunk {
    struct qchunk *next; /* all chunks, for sim_engine_free() */
    qblock         b[CHUNK_BLOCKS];
} qchunk;

typedef struct bucket {
    qblock *head; /* oldest block, NULL when empty */
    qblock *tail; /* block appended to */
} bucket;

struct sim_engine {
    sim_time now;      /* the clock, ns */
    uint64_t cur;      /* start of the run's span, ns; wheel >= cur */
    uint64_t near_end; /* end of the run's span: earlier goes to heap */
    size_t   pending;  /* live events in the queue */
    uint64_t executed; /* handlers run */
    bool     stop;     /* sim_engine_stop() was called */
    int      failed;   /* 0, or the SIM_E* code that failed the run (sticky) */
    char     why[128]; /* what ran out, when failed */
    bool     running;  /* inside sim_engine_run() */

    qent  *run;      /* the span's entries, sorted ascending */
    size_t run_head; /* next entry of run */
    size_t run_n;    /* entries in run */
    size_t run_cap;
    qent  *stage; /* scratch for the radix sort */
    size_t stage_cap;

    hent    *heap; /* binary min-heap on (t, seq) */
    size_t   heap_n;
    size_t   heap_cap;
    uint64_t heap_seq; /* next hent.seq */

    ev_rec  *ev;      /* record pool */
    uint32_t ev_free; /* free-list head, NIL if none */
    uint32_t ev_used; /* records ever handed out (high-water mark) */
    uint32_t ev_cap;  /* records allocated */

    uint32_t lmask;                     /* bit L: level L has a nonempty bucket */
    uint32_t summary[NLEVELS];          /* bit w: map[L][w] is not 0 */
    uint64_t map[NLEVELS][FANOUT / 64]; /* bit j: bucket [L][j] is nonempty */
    bucket   b[NLEVELS][FANOUT];        /* level 0 unused: the run takes its place */
    qblock  *bfree;                     /* free blocks */
    size_t   bfree_n;                   /* blocks on bfree */
    qchunk  *chunks;                    /* every block allocation */
};

/* --- allocation -------------------------------------------------------------------- */

static bool grow_blocks(sim_engine *e)
{
    qchunk *c = sim_malloc(sizeof *c);
    if (c == NULL)
        return false;
    c->next = e->chunks;
    e->chunks = c;
    for (size_t i = 0; i < CHUNK_BLOCKS; i++) {
        c->b[i].next = e->bfree;
        e->bfree = &c->b[i];
    }
    e->bfree_n += CHUNK_BLOCKS;
    return true;
}

static bool grow_records(sim_engine *e, size_t want)
{
    if (want <= e->ev_cap)
        return true;
    if (want > MAX_RECORDS)
        return false;
    size_t cap = e->ev_cap ? e->ev_cap : 1024;
    while (cap < want)
        cap = cap > MAX_RECORDS / 2 ? MAX_RECORDS : cap * 2;
    ev_rec *ev = sim_realloc(e->ev, cap * sizeof *ev);
    if (ev == NULL)
        return false;
    e->ev = ev;
    e->ev_cap = (uint32_t)cap;
    return true;
}

/* Grow an entry array to hold at least want entries of size sz. */
static bool grow_array(void **p, size_t *cap, size_t want, size_t sz)
{
    if (want <= *cap)
        return true;
    size_t n = *cap ? *cap : 256;
    while (n < want)
        n *= 2;
    void *q = sim_realloc(*p, n * sz);
    if (q == NULL)
        return false;
    *p = q;
    *cap = n;
    return true;
}

/* A pool or array could not grow: the run fails with SIM_ENOMEM (sticky), and the caller
 * drops what it was adding. The queue may then have lost entries, which does not matter: a
 * failed engine runs no more events and can only be freed. */
static void out_of_memory(sim_engine *e, const char *what)
{
    sim_engine_fail(e, SIM_ENOMEM, "out of memory growing the engine's %s", what);
}

/* --- the near heap ----------------------------------------------------------------- */

static inline bool hent_before(const hent *a, const hent *b)
{
    return a->t != b->t ? a->t < b->t : a->seq < b->seq;
}

static void heap_push(sim_engine *e, uint64_t t, uint64_t slot)
{
    if (e->heap_n == e->heap_cap
        && !grow_array((void **)&e->heap, &e->heap_cap, e->heap_n + 1, sizeof *e->heap)) {
        out_of_memory(e, "event queue");
        return;
    }
    hent   x = { t, e->heap_seq++, slot };
    size_t i = e->heap_n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!hent_before(&x, &e->heap[p]))
            break;
        e->heap[i] = e->heap[p];
        i = p;
    }
    e->heap[i] = x;
}

static void heap_pop(sim_engine *e)
{
    hent   x = e->heap[--e->heap_n];
    size_t n = e->heap_n, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && hent_before(&e->heap[c + 1], &e->heap[c]))
            c++;
        if (!hent_before(&e->heap[c], &x))
            break;
        e->heap[i] = e->heap[c];
        i = c;
    }
    e->heap[i] = x;
}

/* --- the wheel ----------------------------------------------------------------------- */

static void map_set(sim_engine *e, unsigned level, unsigned j)
{
    e->map[level][j / 64] |= UINT64_C(1) << (j % 64);
    e->summary[level] |= 1u << (j / 64);
    e->lmask |= 1u << level;
}

static qblock *bucket_extend(sim_engine *e, bucket *b, unsigned level, unsigned j)
{
    if (e->bfree == NULL && !grow_blocks(e)) {
        out_of_memory(e, "event queue");
        return NULL;
    }
    qblock *blk = e->bfree;
    e->bfree = blk->next;
    e->bfree_n--;
    blk->next = NULL;
    blk->n = 0;
    if (b->tail == NULL) {
        b->head = blk;
        map_set(e, level, j);
    } else {
        b->tail->next = blk;
    }
    b->tail = blk;
    return blk;
}

/* Put an entry with t >= near_end into the wheel: the level is the byte holding the highest
 * bit in which t differs from cur (t has the 1 there, so its bucket is later than cur's). */
static inline void wheel_push(sim_engine *e, uint64_t t, uint64_t slot)
{
    unsigned level = (unsigned)(63 - __builtin_clzll(t ^ e->cur)) / DIGIT_BITS;
    unsigned j = (unsigned)(t >> (level * DIGIT_BITS)) & (FANOUT - 1);
    bucket  *b = &e->b[level][j];
    qblock  *blk = b->tail;
    if ((blk == NULL || blk->n == BLOCK_CAP) && !(blk = bucket_extend(e, b, level, j)))
        return;
    blk->e[blk->n++] = (qent){ t, slot };
}

static inline void queue_push(sim_engine *e, uint64_t t, uint64_t slot)
{
    if (t < e->near_end)
        heap_push(e, t, slot);
    else
        wheel_push(e, t, slot);
}

static inline void run_append(sim_engine *e, qent x)
{
    if (e->run_n == e->run_cap
        && !grow_array((void **)&e->run, &e->run_cap, e->run_n + 1, sizeof *e->run)) {
        out_of_memory(e, "event queue");
        return;
    }
    e->run[e->run_n++] = x;
}

/* Sort the run by time, stably: it arrives in schedule order, so stability is what keeps
 * equal times in schedule order. All its times share the bits from 'bits' up (bits is 8 or
 * 16), so an LSD radix sort needs bits / 8 counting passes; a pass whose digit is the same
 * for every entry (a run of equal times, say) is skipped. */
static void run_sort(sim_engine *e, unsigned bits)
{
    size_t n = e->run_n;
    qent  *r = e->run;
    if (n <= SORT_SMALL) {
        for (size_t i = 1; i < n; i++) {
            qent   x = r[i];
            size_t k = i;
            while (k > 0 && r[k - 1].t > x.t) {
                r[k] = r[k - 1];
                k--;
            }
            r[k] = x;
        }
        return;
    }
    if (!grow_array((void **)&e->stage, &e->stage_cap, n, sizeof *e->stage)) {
        out_of_memory(e, "event queue");
        return;
    }
    unsigned passes = bits / DIGIT_BITS;
    size_t   count[2][FANOUT];
    memset(count, 0, passes * sizeof count[0]);
    if (passes == 1) {
        for (size_t i = 0; i < n; i++)
            count[0][r[i].t & (FANOUT - 1)]++;
    } else {
        for (size_t i = 0; i < n; i++) {
            count[0][r[i].t & (FANOUT - 1)]++;
            count[1][(r[i].t >> DIGIT_BITS) & (FANOUT - 1)]++;
        }
    }
    for (unsigned p = 0; p < passes; p++) {
        size_t *c = count[p];
        if (c[(r[0].t >> (p * DIGIT_BITS)) & (FANOUT - 1)] == n)
            continue; /* one digit value only: already in order */
        size_t sum = 0;
        for (size_t d = 0; d < FANOUT; d++) {
            size_t k = c[d];
            c[d] = sum;
            sum += k;
        }
        qent *out = e->stage;
        for (size_t i = 0; i < n; i++)
            out[c[(r[i].t >> (p * DIGIT_BITS)) & (FANOUT - 1)]++] = r[i];
        e->stage = r;
        e->run = r = out;
        size_t cap = e->run_cap;
        e->run_cap = e->stage_cap;
        e->stage_cap = cap;
    }
}

/* Take the earliest nonempty bucket off the maps: the lowest nonempty level holds the
 * earliest entries, and within a level every nonempty bucket is later than cur's digit. */
static void map_take_first(sim_engine *e, unsigned *level_out, unsigned *j_out)
{
    unsigned  level = (unsigned)__builtin_ctz(e->lmask);
    unsigned  w = (unsigned)__builtin_ctz(e->summary[level]);
    uint64_t *word = &e->map[level][w];
    unsigned  j = w * 64 + (unsigned)__builtin_ctzll(*word);
    *word &= *word - 1;
    if (*word == 0) {
        e->summary[level] &= ~(1u << w);
        if (e->summary[level] == 0)
            e->lmask &= ~(1u << level);
    }
    *level_out = level;
    *j_out = j;
}

static void block_release(sim_engine *e, qblock *blk)
{
    blk->next = e->bfree;
    e->bfree = blk;
    e->bfree_n++;
}

/* Is the chain of blocks from blk at most max entries long? */
static bool chain_at_most(const qblock *blk, size_t max)
{
    size_t n = 0;
    for (; blk != NULL; blk = blk->next)
        if ((n += blk->n) > max)
            return false;
    return true;
}

/* Refill the run from the earliest nonempty bucket. Called when the run and the heap are
 * empty and the wheel is not. cur moves to the bucket's start, which keeps every wheel
 * entry >= cur. A level-1 bucket, or a level-2 bucket of at most RUN_MAX entries, becomes
 * the run whole, sorted; a larger bucket spreads its entries one level down or more, those
 * in cur's first 256 ns into the run, and the loop goes on until the run is not empty. */
static void refill(sim_engine *e)
{
    e->run_head = 0;
    e->run_n = 0;
    for (;;) {
        unsigned level, j;
        map_take_first(e, &level, &j);
        unsigned shift = level * DIGIT_BITS;
        uint64_t keep = shift + DIGIT_BITS >= 64 ? 0 : ~((UINT64_C(1) << (shift + DIGIT_BITS)) - 1);
        e->cur = (e->cur & keep) | ((uint64_t)j << shift);

        bucket *b = &e->b[level][j];
        qblock *blk = b->head;
        b->head = b->tail = NULL;
        if (level == 1 || (level == 2 && chain_at_most(blk, RUN_MAX))) {
            /* near_end may be 2^63 here, past any sim_time: fine in uint64_t. */
            e->near_end = e->cur + (UINT64_C(1) << shift);
            while (blk != NULL) {
                if (e->run_n + blk->n > e->run_cap
                    && !grow_array((void **)&e->run, &e->run_cap, e->run_n + blk->n,
                                   sizeof *e->run)) {
                    out_of_memory(e, "event queue");
                    return; /* the chain's blocks stay in e->chunks, freed with e */
                }
                memcpy(e->run + e->run_n, blk->e, blk->n * sizeof *blk->e);
                e->run_n += blk->n;
                qblock *next = blk->next;
                block_release(e, blk);
                blk = next;
            }
            run_sort(e, shift);
            return;
        }
        e->near_end = e->cur + FANOUT;
        while (blk != NULL) {
            for (size_t i = 0; i < blk->n; i++) {
                qent x = blk->e[i];
                if (x.t < e->near_end)
                    run_append(e, x);
                else
                    wheel_push(e, x.t, x.slot);
            }
            qblock *next = blk->next;
            block_release(e, blk);
            blk = next;
        }
        if (e->run_n > 0) {
            run_sort(e, DIGIT_BITS);
            return;
        }
        if (e->failed) /* entries were dropped: the wheel may be empty now */
            return;
    }
}

/* The earliest queue entry, or false if the queue is empty. Does not remove it. */
static inline bool queue_front(sim_engine *e, uint64_t *t, uint64_t *slot, bool *from_heap)
{
    if (e->heap_n > 0 && (e->run_head == e->run_n || e->heap[0].t < e->run[e->run_head].t)) {
        /* Only when strictly earlier: on equal times the run's entry was scheduled first,
         * as the heap takes only entries scheduled after the run was filled. */
        *t = e->heap[0].t;
        *slot = e->heap[0].slot;
        *from_heap = true;
        return true;
    }
    if (e->run_head == e->run_n) {
        if (e->lmask == 0)
            return false;
        refill(e);
        /* After a failure the run may be empty or unsorted: run nothing more from it. */
        if (e->failed || e->run_head == e->run_n)
            return false;
    }
    *t = e->run[e->run_head].t;
    *slot = e->run[e->run_head].slot;
    *from_heap = false;
    return true;
}

static inline void queue_drop_front(sim_engine *e, bool from_heap)
{
    if (from_heap)
        heap_pop(e);
    else
        e->run_head++;
}

/* --- create / destroy -------------------------------------------------------------- */

int sim_engine_new(sim_engine **out)
{
    sim_engine *e = sim_calloc(1, sizeof *e);
    if (e == NULL)
        return SIM_ENOMEM;
    e->ev_free = NIL;
    e->near_end = FANOUT;
    *out = e;
    return 0;
}

void sim_engine_free(sim_engine *e)
{
    if (e == NULL)
        return;
    while (e->chunks != NULL) {
        qchunk *next = e->chunks->next;
        sim_free(e->chunks);
        e->chunks = next;
    }
    sim_free(e->run);
    sim_free(e->stage);
    sim_free(e->heap);
    sim_free(e->ev);
    sim_free(e);
}

int sim_engine_reserve(sim_engine *e, size_t n)
{
    /* Cancelled events hold their queue entry until reclaimed, so n counts those too. The
     * worst case is all n in one instant, in the run or the heap, so each gets room for n:
     * about 100 bytes per event, where a steady state uses about 50. */
    if (n > MAX_RECORDS)
        return SIM_ENOMEM;
    size_t buckets = (NLEVELS - 1) * FANOUT;
    size_t blocks = (n + BLOCK_CAP - 1) / BLOCK_CAP + (n < buckets ? n : buckets);
    if (!grow_records(e, n))
        return SIM_ENOMEM;
    while (e->bfree_n < blocks)
        if (!grow_blocks(e))
            return SIM_ENOMEM;
    if (!grow_array((void **)&e->run, &e->run_cap, n, sizeof *e->run)
        || !grow_array((void **)&e->stage, &e->stage_cap, n, sizeof *e->stage)
        || !grow_array((void **)&e->heap, &e->heap_cap, n, sizeof *e->heap))
        return SIM_ENOMEM;
    return 0;
}

/* --- schedule ---------------------------------------------------------------------- */

/* sim_at() and sim_after() share this body, inlined into both. */
static inline sim_event_id schedule(sim_engine *e, sim_time at, sim_handler *fn, void *ctx,
                                    uint64_t arg)
{
    if (fn == NULL)
        sim_panic("engine: scheduling a NULL handler");
    uint32_t slot = e->ev_free;
    if (slot != NIL) {
        e->ev_free = e->ev[slot].next;
    } else {
        if (e->ev_used == e->ev_cap && !grow_records(e, (size_t)e->ev_used + 1)) {
            out_of_memory(e, "event pool");
            return 0;
        }
        slot = e->ev_used++;
        e->ev[slot].gen = 1;
    }
    ev_rec *r = &e->ev[slot];
    r->fn = fn;
    r->ctx = ctx;
    r->arg = arg;
    queue_push(e, (uint64_t)at, slot);
    e->pending++;
    return (uint64_t)r->gen << 32 | ((uint64_t)slot + 1);
}

sim_event_id sim_at(sim_engine *e, sim_time at, sim_handler *fn, void *ctx, uint64_t arg)
{
    if (at < e->now)
        sim_panic("sim_at: time %lld is before now (%lld)", (long long)at, (long long)e->now);
    return schedule(e, at, fn, ctx, arg);
}

sim_event_id sim_after(sim_engine *e, sim_time delay, sim_handler *fn, void *ctx, uint64_t arg)
{
    if (delay < 0)
        sim_panic("sim_after: negative delay %lld", (long long)delay);
    return schedule(e, sim_time_add_sat(e->now, delay), fn, ctx, arg);
}

bool sim_cancel(sim_engine *e, sim_event_id id)
{
    uint32_t slot = (uint32_t)id - 1; /* handle 0 becomes NIL, past any slot */
    if (slot >= e->ev_used)
        return false;
    ev_rec *r = &e->ev[slot];
    if (r->gen != (uint32_t)(id >> 32) || r->fn == NULL)
        return false;
    r->fn = NULL; /* reclaimed when it reaches the front */
    r->gen++;
    e->pending--;
    return true;
}

/* --- run --------------------------------------------------------------------------- */

/* Beyond engine.h: a run to a time before now runs nothing and leaves the clock where it is
 * (it never goes back); SIM_RAN_EMPTY leaves the clock at the last event run; a stop asked
 * for outside a run is forgotten when the next run starts; calling sim_engine_run() from a
 * handler is a bug and panics. */
sim_stop_reason sim_engine_run(sim_engine *e, sim_time until)
{
    if (e->running)
        sim_panic("sim_engine_run: called from a handler");
    e->running = true;
    e->stop = false;
    sim_stop_reason why;
    for (;;) {
        uint64_t t, slot;
        bool     from_heap;
        if (e->failed) {
            why = SIM_RAN_STOPPED;
            break;
        }
        if (e->pending == 0) {
            why = SIM_RAN_EMPTY;
            break;
        }
        if (!queue_front(e, &t, &slot, &from_heap)) {
            if (e->failed)
                continue;
            sim_panic("engine: %zu events pending but the queue is empty", e->pending);
        }
        ev_rec *r = &e->ev[slot];
        if (r->fn == NULL) { /* cancelled: reclaim the record */
            queue_drop_front(e, from_heap);
            r->next = e->ev_free;
            e->ev_free = (uint32_t)slot;
            continue;
        }
        if ((sim_time)t > until) {
            if (until > e->now)
                e->now = until;
            why = SIM_RAN_UNTIL;
            break;
        }
        queue_drop_front(e, from_heap);
        if (e->run_head + PREFETCH_AHEAD < e->run_n)
            __builtin_prefetch(&e->ev[e->run[e->run_head + PREFETCH_AHEAD].slot]);
        sim_handler *fn = r->fn;
        void        *ctx = r->ctx;
        uint64_t     arg = r->arg;
        /* Free the record before the handler runs: the event it schedules reuses it while
         * it is still in cache. */
        r->fn = NULL;
        r->gen++;
        r->next = e->ev_free;
        e->ev_free = (uint32_t)slot;
        e->pending--;
        e->executed++;
        e->now = (sim_time)t;
        fn(e, ctx, arg);
        if (e->stop) {
            why = SIM_RAN_STOPPED;
            break;
        }
    }
    e->running = false;
    e->stop = false;
    return why;
}

void sim_engine_stop(sim_engine *e) { e->stop = true; }

void sim_engine_fail(sim_engine *e, int code, const char *fmt, ...)
{
    if (e->failed) /* the first failure is the cause; later ones are its consequences */
        return;
    e->failed = code;
    e->stop = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->why, sizeof e->why, fmt, ap);
    va_end(ap);
}

int sim_engine_error(const sim_engine *e, const char **what)
{
    if (what)
        *what = e->failed ? e->why : "";
    return e->failed;
}

/* --- query ------------------------------------------------------------------------- */

sim_time sim_now(const sim_engine *e) { return e->now; }

uint64_t sim_engine_executed(const sim_engine *e) { return e->executed; }

size_t sim_engine_pending(const sim_engine *e) { return e->pending; }
