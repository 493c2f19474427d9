/* oracle.c - the consistency oracle: per-key commit order, a map of writes still to be
 * accounted for, per-session memory of recent keys, and the figures and histograms of a run.
 *
 * State, and what it costs:
 *   - per key (the largest key count of the clients): the commit counter that hands out kseq
 *     and the last two steps of the key's "acknowledged staircase" (below), 56 bytes; when
 *     fields are judged one by one (oracle_judge_fields(), the merge resolver) one more
 *     staircase per field of each key, 48 bytes each;
 *   - per session (the sum of the clients' sessions): ORACLE_SESSION_KEYS entries of 32
 *     bytes in recency order, 264 bytes, allocated once in oracle_new();
 *   - per write in flight, and per measured acknowledged write not yet overwritten, one
 *     32-byte slot of the write map, which keeps its load at or below 70%;
 *   - one lag histogram per region plus one over all regions, one for staleness in ns and
 *     one for staleness in versions (about 57 KiB each, see stat.h).
 * Nothing is allocated after oracle_new() except when the write map grows (doubling, so
 * amortised O(1) per write).
 *
 * The acknowledged staircase: a read is stale when its version is older than the largest
 * kseq of the key's writes acknowledged before the read was issued. Reads are reported when
 * they complete, so 'issued' may lie before acknowledgements already seen, but acks arrive
 * in time order. An ack whose kseq is not above the newest step's adds nothing for any later
 * read (the newest step was acknowledged no later and is newer), so it is dropped; otherwise
 * it becomes the newest step and the old newest becomes the previous one. The newest step
 * acknowledged at or before 'issued' is then the answer. Two steps cover a read that was in
 * flight while one newer write was acknowledged; a read that overlapped two or more newer
 * acks finds no step and is counted as fresh, an undercount that needs reads slower than
 * two successive acknowledged writes of the same key. Keeping every ack per key was
 * rejected: memory would grow with the run instead of the key space.
 *
 * The write map is open addressing with linear probing over a power-of-two table, keyed by
 * write id (never 0: a store's null cell has write id 0, so 0 marks an empty slot), hashed
 * by the splitmix64 finaliser (a fixed mix, so the layout is the same on every machine).
 * Deletion is backward shift, not tombstones: under the churn of a long run (every write is
 * inserted and deleted) tombstones would fill the table and force rehashes. Only counts are
 * ever taken from a walk over the table, so its order can reach no output.
 *
 * Writes that will not survive: a failover fences the old primary's log (oracle_fence());
 * its acknowledged writes beyond the fence are lost, and counted once as lost at the end.
 * A read is judged against the writes that survive, so the fence takes those writes off
 * every staircase (each step names its write) and marks those still in flight, which then
 * never become a step; so are the writes the old primary takes later, in split brain,
 * until it is promoted again (oracle_promoted()). Without this a lost write would make every later read of its key
 * stale, for as long as the key is not written again. A fenced write that survives after
 * all (a replica had it and relayed it) is then under-judged, which is the smaller error.
 *
 * Fields: under last-write-wins a record is taken whole, so a read's version is its newest
 * cell and one staircase per key decides. Under merge each field is resolved on its own,
 * and a record can hold a newer write of one field while missing an acknowledged write of
 * another; oracle_judge_fields() then adds a staircase per field, and a read is stale when
 * any field misses its own newest acknowledged write (staleness: the oldest miss; versions:
 * the largest gap).
 *
 * A write leaves the map when nothing more can be counted about it: when it is abandoned;
 * when it is acknowledged unmeasured or already overwritten; when it is overwritten after a
 * measured ack. What stays after the run is the set of measured acknowledged writes that
 * no later write knew, which oracle_finish() looks for in the replicas: each is final or
 * lost, so writes_acked == writes_final + writes_overwritten + writes_lost. */
#include "oracle.h"

#include <assert.h>
#include <string.h>

#define MAP_MIN_CAP 1024u /* slots of a new write map (32 KiB) */

enum {
    W_MEASURED = 1u << 0,    /* the request arrived in the window */
    W_ACKED = 1u << 1,       /* the client heard it acknowledged */
    W_OVERWRITTEN = 1u << 2, /* a later write that knew it replaced it */
    W_FENCED = 1u << 3,      /* beyond a failover's fence: never a step */
};

/* One write in the map. */
typedef struct wentry {
    uint64_t write_id; /* 0: empty slot */
    uint64_t key;
    uint64_t kseq;  /* its position in the key's commit order */
    uint8_t  field; /* the field it set, < STORE_MAX_FIELDS */
    uint8_t  flags; /* W_* */
} wentry;

/* A step of a key's acknowledged staircase (see the top of the file). */
typedef struct ack_step {
    uint64_t kseq;     /* 0: no step */
    sim_time at;       /* ack time, ns */
    uint64_t write_id; /* the write, so that a fence can take it off */
} ack_step;

typedef struct staircase {
    ack_step newest; /* the largest kseq acknowledged so far */
    ack_step prev;   /* the step before it */
} staircase;

typedef struct key_state {
    uint64_t  commits; /* kseq of the latest commit; 0: never written */
    staircase acks;    /* of the whole record */
} key_state;

enum {
    S_WROTE = 1u << 0, /* own_kseq/own_field are set */
    S_READ = 1u << 1,  /* last_read is set */
};

/* What a session remembers of one key. */
typedef struct sess_key {
    uint64_t key;
    uint64_t own_kseq;  /* its last acknowledged write of the key */
    sim_time own_at;    /* ... acknowledged at */
    uint64_t last_read; /* the version it last read */
    sim_time read_at;   /* ... answered at */
    uint32_t own_field; /* the field that write set */
    uint32_t flags;     /* S_* */
} sess_key;

typedef struct sess_mem {
    uint32_t n;                      /* entries in use, <= ORACLE_SESSION_KEYS */
    sess_key e[ORACLE_SESSION_KEYS]; /* most recently used first */
} sess_mem;

typedef struct fence_range {
    uint32_t origin;
    uint64_t after, upto;
    uint64_t lost_lo, lost_hi; /* rpo writes lost: sequences; lo 0: none */
} fence_range;

/* Writes of an origin that a failover fenced and that has not been promoted since: those in
 * (after, upto] will not survive, whenever they are acknowledged. */
typedef struct doomed {
    uint64_t after, upto; /* upto == after: none */
} doomed;

/* Short for the field below, so that the struct keeps its alignment. */
typedef oracle_holder_fn holder_fn;

struct oracle {
    doomed         doom[SCN_MAX_REGIONS];
    visibility    *vis;    /* t-visibility of reads, or NULL */
    holder_fn     *holder; /* which stores should hold a key, or NULL: all */
    void          *holder_ctx;
    fence_range   *fences; /* a handful: one per failover */
    size_t         nfences, fences_cap;
    uint64_t       nkeys;
    uint32_t       fields;    /* 1 .. STORE_MAX_FIELDS */
    uint32_t       nsessions; /* global session ids are below this */
    uint32_t       nregions;  /* lag targets */
    sim_time       warmup;    /* lag is recorded for commits from here, ns */
    key_state     *keys;      /* nkeys */
    staircase     *by_field;  /* nkeys x fields, or NULL: records are judged whole */
    sess_mem      *sessions;  /* nsessions */
    wentry        *map;       /* cap slots */
    size_t         cap;       /* a power of two */
    size_t         count;     /* slots in use */
    oracle_figures fig;       /* the counts so far */
    stat_hist    **lag;       /* nregions */
    stat_hist     *lag_all;
    stat_hist     *staleness;      /* ns */
    stat_hist     *stale_versions; /* versions */
};

/* --- the write map ------------------------------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

static size_t map_home(const oracle *o, uint64_t id) { return (size_t)mix64(id) & (o->cap - 1); }

/* The slot holding id, or NULL. */
static wentry *map_find(oracle *o, uint64_t id)
{
    if (id == 0)
        return NULL;
    for (size_t i = map_home(o, id);; i = (i + 1) & (o->cap - 1)) {
        if (o->map[i].write_id == id)
            return &o->map[i];
        if (o->map[i].write_id == 0)
            return NULL;
    }
}

/* Put e into a table known not to hold its id and to have a free slot. */
static wentry *map_place(wentry *map, size_t cap, const wentry *e)
{
    size_t i = (size_t)mix64(e->write_id) & (cap - 1);
    while (map[i].write_id != 0)
        i = (i + 1) & (cap - 1);
    map[i] = *e;
    return &map[i];
}

/* Double the table. false when memory ran out (the old table is kept). */
static bool map_grow(oracle *o)
{
    if (o->cap > SIZE_MAX / 2 / sizeof *o->map)
        return false;
    size_t  cap = o->cap * 2;
    wentry *map = sim_calloc(cap, sizeof *map);
    if (!map)
        return false;
    for (size_t i = 0; i < o->cap; i++)
        if (o->map[i].write_id != 0)
            map_place(map, cap, &o->map[i]);
    sim_free(o->map);
    o->map = map;
    o->cap = cap;
    return true;
}

static void map_insert(oracle *o, const wentry *e)
{
    /* Grow past 70% load. If memory runs out, probing still works at a higher load, so the
     * run goes on; only a table with no free slot left is fatal, as the API has no error
     * path on the hot path. */
    if ((o->count + 1) * 10 > o->cap * 7 && !map_grow(o) && o->count + 1 >= o->cap)
        sim_panic("oracle: out of memory for %zu writes in flight", o->count + 1);
    map_place(o->map, o->cap, e);
    o->count++;
}

/* Remove slot e by backward shift: later entries of the probe run whose home is not
 * between the hole and themselves move back into the hole, so no run is ever broken. */
static void map_delete(oracle *o, wentry *e)
{
    size_t mask = o->cap - 1;
    size_t hole = (size_t)(e - o->map);
    for (size_t j = (hole + 1) & mask; o->map[j].write_id != 0; j = (j + 1) & mask) {
        size_t home = map_home(o, o->map[j].write_id);
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            o->map[hole] = o->map[j];
            hole = j;
        }
    }
    o->map[hole].write_id = 0;
    o->count--;
}

/* --- sessions ----------------------------------------------------------------------- */

/* Session s's entry for key, moved to the front; a new entry (evicting the least recently
 * used when full) if s did not remember key. */
static sess_key *session_touch(oracle *o, uint32_t s, uint64_t key)
{
    assert(s < o->nsessions);
    sess_mem *ss = &o->sessions[s];
    uint32_t  i = 0;
    while (i < ss->n && ss->e[i].key != key)
        i++;
    sess_key found;
    if (i < ss->n) {
        found = ss->e[i];
    } else {
        found = (sess_key){ .key = key };
        if (ss->n < ORACLE_SESSION_KEYS)
            ss->n++;
        i = ss->n - 1; /* the slot that is reused or dropped */
    }
    memmove(&ss->e[1], &ss->e[0], i * sizeof ss->e[0]);
    ss->e[0] = found;
    return &ss->e[0];
}

/* Session s's entry for key without touching the order, or NULL. */
static const sess_key *session_find(const oracle *o, uint32_t s, uint64_t key)
{
    assert(s < o->nsessions);
    const sess_mem *ss = &o->sessions[s];
    for (uint32_t i = 0; i < ss->n; i++)
        if (ss->e[i].key == key)
            return &ss->e[i];
    return NULL;
}

/* --- create / destroy --------------------------------------------------------------- */

int oracle_new(const scn_scenario *s, oracle **out, sim_err *err)
{
    assert(s->data.fields >= 1 && s->data.fields <= STORE_MAX_FIELDS);
    assert(s->nregions >= 1 && s->nregions <= SCN_MAX_REGIONS);
    uint64_t nkeys = 0, nsessions = 0;
    for (size_t i = 0; i < s->nclients; i++) {
        if (s->clients[i].key_base + s->clients[i].key_count > nkeys)
            nkeys = s->clients[i].key_base + s->clients[i].key_count;
        nsessions += s->clients[i].sessions;
    }
    /* Global session ids are uint32; scn.c's limits (256 clients x 10^7) keep the sum below. */
    assert(nsessions <= UINT32_MAX);

    oracle *o = sim_calloc(1, sizeof *o);
    if (!o)
        goto fail;
    o->nkeys = nkeys;
    o->fields = s->data.fields;
    o->nsessions = (uint32_t)nsessions;
    o->nregions = (uint32_t)s->nregions;
    o->warmup = s->warmup;
    if (nkeys > SIZE_MAX || nsessions > SIZE_MAX)
        goto fail;
    o->keys = sim_calloc((size_t)nkeys, sizeof *o->keys);
    o->sessions = sim_calloc((size_t)nsessions, sizeof *o->sessions);
    o->map = sim_calloc(MAP_MIN_CAP, sizeof *o->map);
    o->cap = MAP_MIN_CAP;
    o->lag = sim_calloc(o->nregions, sizeof *o->lag);
    if (!o->keys || !o->sessions || !o->map || !o->lag)
        goto fail;
    for (uint32_t r = 0; r < o->nregions; r++)
        if (stat_hist_new(&o->lag[r]) < 0)
            goto fail;
    if (stat_hist_new(&o->lag_all) < 0 || stat_hist_new(&o->staleness) < 0
        || stat_hist_new(&o->stale_versions) < 0)
        goto fail;
    *out = o;
    return 0;

fail:
    oracle_free(o);
    return sim_err_set(err, SIM_ENOMEM, NULL,
                       "out of memory for the oracle (%llu keys x %zu bytes, %llu sessions x "
                       "%zu bytes)",
                       (unsigned long long)nkeys, sizeof(key_state), (unsigned long long)nsessions,
                       sizeof(sess_mem));
}

void oracle_free(oracle *o)
{
    if (!o)
        return;
    if (o->lag)
        for (uint32_t r = 0; r < o->nregions; r++)
            stat_hist_free(o->lag[r]);
    sim_free(o->lag);
    stat_hist_free(o->lag_all);
    stat_hist_free(o->staleness);
    stat_hist_free(o->stale_versions);
    sim_free(o->map);
    sim_free(o->fences);
    sim_free(o->sessions);
    sim_free(o->by_field);
    sim_free(o->keys);
    sim_free(o);
}

int oracle_judge_fields(oracle *o)
{
    if (o->by_field || o->fields < 2)
        return 0;
    if (o->nkeys > SIZE_MAX / o->fields)
        return SIM_ENOMEM;
    o->by_field = sim_calloc((size_t)o->nkeys * o->fields, sizeof *o->by_field);
    return o->by_field ? 0 : SIM_ENOMEM;
}

/* --- staircases --------------------------------------------------------------------- */

static void stair_push(staircase *sc, uint64_t kseq, sim_time at, uint64_t write_id)
{
    if (kseq > sc->newest.kseq) {
        sc->prev = sc->newest;
        sc->newest = (ack_step){ .kseq = kseq, .at = at, .write_id = write_id };
    }
}

/* The newest step acknowledged at or before 'issued', or NULL. */
static const ack_step *stair_at(const staircase *sc, sim_time issued)
{
    if (sc->newest.kseq && sc->newest.at <= issued)
        return &sc->newest;
    if (sc->prev.kseq && sc->prev.at <= issued)
        return &sc->prev;
    return NULL;
}

static bool fenced(uint64_t write_id, uint32_t origin, uint64_t after, uint64_t upto)
{
    uint64_t seq = STORE_WRITE_SEQ(write_id);
    return write_id && STORE_WRITE_ORIGIN(write_id) == origin && seq > after && seq <= upto;
}

/* Take the fenced writes off a staircase: the older step moves up if the newer goes. */
static void stair_fence(staircase *sc, uint32_t origin, uint64_t after, uint64_t upto)
{
    if (fenced(sc->prev.write_id, origin, after, upto))
        sc->prev = (ack_step){ 0 };
    if (fenced(sc->newest.write_id, origin, after, upto)) {
        sc->newest = sc->prev;
        sc->prev = (ack_step){ 0 };
    }
}

/* --- writes ------------------------------------------------------------------------- */

uint64_t oracle_commit(oracle *o, uint64_t key, uint32_t field, uint64_t write_id, sim_time now,
                       bool measured)
{
    (void)now; /* lag takes the commit time from the caller */
    assert(key < o->nkeys && field < o->fields && write_id != 0);
    assert(map_find(o, write_id) == NULL); /* write ids are unique */
    uint64_t kseq = ++o->keys[key].commits;
    wentry   e = { .write_id = write_id,
                   .key = key,
                   .kseq = kseq,
                   .field = (uint8_t)field,
                   .flags = measured ? W_MEASURED : 0 };
    map_insert(o, &e);
    return kseq;
}

void oracle_overwritten(oracle *o, uint64_t write_id)
{
    wentry *e = map_find(o, write_id);
    if (!e)
        return;
    if (e->flags & W_ACKED) {
        /* Only measured writes stay in the map once acknowledged. */
        o->fig.writes_overwritten++;
        map_delete(o, e);
        return;
    }
    e->flags |= W_OVERWRITTEN;
}

void oracle_acked(oracle *o, uint64_t write_id, uint32_t session, sim_time now)
{
    wentry *e = map_find(o, write_id);
    if (!e || (e->flags & W_ACKED))
        return;
    bool measured = e->flags & W_MEASURED;

    uint32_t      origin = STORE_WRITE_ORIGIN(write_id);
    const doomed *d = origin < SCN_MAX_REGIONS ? &o->doom[origin] : NULL;
    if (d && fenced(write_id, origin, d->after, d->upto))
        e->flags |= W_FENCED; /* taken by a fenced origin: split brain, lost */
    if (!(e->flags & W_FENCED)) {
        stair_push(&o->keys[e->key].acks, e->kseq, now, write_id);
        if (o->by_field)
            stair_push(&o->by_field[e->key * o->fields + e->field], e->kseq, now, write_id);
    }

    sess_key *sk = session_touch(o, session, e->key);
    /* Two own writes of one field acknowledged out of order: keep the newer, the stronger
     * demand on later reads. */
    if (!(sk->flags & S_WROTE) || sk->own_field != e->field || sk->own_kseq < e->kseq) {
        sk->own_kseq = e->kseq;
        sk->own_at = now;
        sk->own_field = e->field;
        sk->flags |= S_WROTE;
    }

    if (measured)
        o->fig.writes_acked++;
    if (e->flags & W_OVERWRITTEN) {
        if (measured)
            o->fig.writes_overwritten++;
        map_delete(o, e);
    } else if (!measured) {
        map_delete(o, e); /* nothing more will be counted about it */
    } else {
        e->flags |= W_ACKED;
    }
}

void oracle_abandoned(oracle *o, uint64_t write_id)
{
    wentry *e = map_find(o, write_id);
    /* An acknowledged write cannot be abandoned: the client already heard of it. */
    if (!e || (e->flags & W_ACKED))
        return;
    if (e->flags & W_MEASURED)
        o->fig.writes_unacked_applied++;
    map_delete(o, e);
}

void oracle_applied(oracle *o, uint32_t target, sim_time commit, sim_time now)
{
    assert(target < o->nregions);
    if (commit < o->warmup)
        return;
    stat_hist_record(o->lag[target], now - commit);
    stat_hist_record(o->lag_all, now - commit);
}

void oracle_conflict(oracle *o) { o->fig.conflicts++; }

/* --- reads -------------------------------------------------------------------------- */

bool oracle_read(oracle *o, uint64_t key, const store_record *got, uint32_t session,
                 sim_time issued, sim_time answered, bool measured)
{
    bool stale = false;
    assert(key < o->nkeys);
    uint64_t version = 0;
    for (uint32_t f = 0; f < o->fields; f++)
        if (got->cell[f].kseq > version)
            version = got->cell[f].kseq;

    if (measured) {
        o->fig.reads++;
        sim_time age = 0;
        uint64_t behind = 0;
        if (o->by_field) {
            for (uint32_t f = 0; f < o->fields; f++) {
                const ack_step *n = stair_at(&o->by_field[key * o->fields + f], issued);
                if (n && got->cell[f].kseq < n->kseq) {
                    stale = true;
                    age = issued - n->at > age ? issued - n->at : age;
                    behind = n->kseq - got->cell[f].kseq > behind ? n->kseq - got->cell[f].kseq
                                                                  : behind;
                }
            }
        } else {
            const ack_step *n = stair_at(&o->keys[key].acks, issued);
            if (n && o->vis)
                visibility_record(o->vis, issued - n->at, version >= n->kseq);
            if (n && version < n->kseq) {
                stale = true;
                age = issued - n->at;
                behind = n->kseq - version;
            }
        }
        if (stale) {
            o->fig.stale_reads++;
            stat_hist_record(o->staleness, age);
            stat_hist_record(o->stale_versions, (sim_time)behind);
        }
        const sess_key *sk = session_find(o, session, key);
        if (sk && (sk->flags & S_WROTE) && sk->own_at <= issued
            && got->cell[sk->own_field].kseq < sk->own_kseq)
            o->fig.ryw_violations++;
        if (sk && (sk->flags & S_READ) && sk->read_at <= issued && version < sk->last_read)
            o->fig.monotonic_violations++;
    }

    sess_key *sk = session_touch(o, session, key);
    sk->last_read = version;
    sk->read_at = answered;
    sk->flags |= S_READ;
    return stale;
}

void oracle_set_visibility(oracle *o, visibility *v) { o->vis = v; }

void oracle_set_holder(oracle *o, oracle_holder_fn *fn, void *ctx)
{
    o->holder = fn;
    o->holder_ctx = ctx;
}

void oracle_prefetch(const oracle *o, uint64_t key)
{
    if (key < o->nkeys)
        __builtin_prefetch(&o->keys[key]);
}

void oracle_prefetch_write(const oracle *o, uint64_t write_id)
{
    __builtin_prefetch(&o->map[map_home(o, write_id)]);
}

/* --- the end ------------------------------------------------------------------------ */

static uint64_t count_divergent(const oracle *o, store *const *stores, uint32_t nstores)
{
    for (uint32_t i = 0; i < nstores; i++)
        assert(store_keys(stores[i]) >= o->nkeys && store_fields(stores[i]) >= o->fields);
    uint64_t n = 0;
    for (uint64_t key = 0; key < o->nkeys && !o->holder; key++)
        for (uint32_t i = 1; i < nstores; i++)
            if (!store_same(stores[0], stores[i], key)) {
                n++;
                break;
            }
    /* With a placement, only the stores that should hold the key are compared. */
    for (uint64_t key = 0; key < o->nkeys && o->holder; key++) {
        uint32_t first = UINT32_MAX;
        for (uint32_t i = 0; i < nstores; i++) {
            if (!o->holder(o->holder_ctx, key, i))
                continue;
            if (first == UINT32_MAX) {
                first = i;
            } else if (!store_same(stores[first], stores[i], key)) {
                n++;
                break;
            }
        }
    }
    return n;
}

void oracle_mark_arrivals_end(oracle *o, store *const *stores, uint32_t nstores)
{
    o->fig.divergent_keys_before_drain = count_divergent(o, stores, nstores);
}

void oracle_finish(oracle *o, store *const *stores, uint32_t nstores, bool drained)
{
    o->fig.divergent_keys = count_divergent(o, stores, nstores);
    o->fig.drained = drained;
    /* Recomputed from scratch, so a second call gives the same figures. */
    o->fig.writes_final = 0;
    o->fig.writes_lost = 0;
    o->fig.rpo_writes = 0;
    o->fig.split_brain_lost = 0;
    for (size_t f = 0; f < o->nfences; f++)
        o->fences[f].lost_lo = o->fences[f].lost_hi = 0;
    for (size_t i = 0; i < o->cap; i++) {
        const wentry *e = &o->map[i];
        if (e->write_id == 0 || !(e->flags & W_ACKED))
            continue;
        bool found = false;
        for (uint32_t r = 0; r < nstores && !found; r++)
            found = store_cells(stores[r], e->key)[e->field].write_id == e->write_id;
        if (found) {
            o->fig.writes_final++;
            continue;
        }
        o->fig.writes_lost++;
        uint32_t origin = STORE_WRITE_ORIGIN(e->write_id);
        uint64_t seq = STORE_WRITE_SEQ(e->write_id);
        /* The latest fence of its origin that it lies beyond decides. */
        fence_range *hit = NULL;
        for (size_t f = 0; f < o->nfences; f++)
            if (o->fences[f].origin == origin && seq > o->fences[f].after)
                hit = &o->fences[f];
        if (hit && seq <= hit->upto) {
            o->fig.rpo_writes++;
            if (!hit->lost_lo || seq < hit->lost_lo)
                hit->lost_lo = seq;
            if (seq > hit->lost_hi)
                hit->lost_hi = seq;
        } else if (hit) {
            o->fig.split_brain_lost++;
        }
    }
}

size_t oracle_fence(oracle *o, uint32_t origin, uint64_t after, uint64_t upto)
{
    if (sim_grow(&o->fences, &o->fences_cap, o->nfences, sizeof *o->fences) < 0)
        sim_panic("out of memory growing the oracle's fences past %zu", o->nfences);
    o->fences[o->nfences] = (fence_range){ .origin = origin, .after = after, .upto = upto };
    /* The fenced writes stop counting against reads (see the top of the file), and so do
     * the ones the origin takes until it is promoted again (split brain). */
    if (origin < SCN_MAX_REGIONS)
        o->doom[origin] = (doomed){ .after = after, .upto = UINT64_MAX };
    for (uint64_t key = 0; key < o->nkeys; key++)
        stair_fence(&o->keys[key].acks, origin, after, upto);
    if (o->by_field)
        for (size_t i = 0; i < (size_t)o->nkeys * o->fields; i++)
            stair_fence(&o->by_field[i], origin, after, upto);
    for (size_t i = 0; i < o->cap; i++)
        if (fenced(o->map[i].write_id, origin, after, upto))
            o->map[i].flags |= W_FENCED;
    return o->nfences++;
}

void oracle_promoted(oracle *o, uint32_t region, uint64_t position)
{
    if (region < SCN_MAX_REGIONS && o->doom[region].upto > position)
        o->doom[region].upto = position > o->doom[region].after ? position : o->doom[region].after;
}

bool oracle_fence_lost(const oracle *o, size_t i, uint64_t *lo, uint64_t *hi)
{
    if (i >= o->nfences || o->fences[i].lost_lo == 0)
        return false;
    *lo = o->fences[i].lost_lo;
    *hi = o->fences[i].lost_hi;
    return true;
}

/* --- query -------------------------------------------------------------------------- */

oracle_figures oracle_get_figures(const oracle *o) { return o->fig; }

uint64_t oracle_ryw_violations(const oracle *o) { return o->fig.ryw_violations; }

const stat_hist *oracle_staleness(const oracle *o) { return o->staleness; }

const stat_hist *oracle_stale_versions(const oracle *o) { return o->stale_versions; }

const stat_hist *oracle_lag(const oracle *o, uint32_t target)
{
    assert(target < o->nregions);
    return o->lag[target];
}

const stat_hist *oracle_lag_all(const oracle *o) { return o->lag_all; }

size_t oracle_tracked_writes(const oracle *o) { return o->count; }
