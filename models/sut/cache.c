/* cache.c - LRU record cache: a hash from key to entry index, entries on a doubly linked
 * list in recency order (head = most recent). Entries keep only the cells a read returns;
 * heads, sets and version vectors are replication's business, not a reader's. */
#include "cache.h"

#include <string.h>

#define NONE UINT32_MAX

typedef struct entry {
    uint64_t   key;
    uint32_t   prev, next; /* LRU list */
    store_cell cell[STORE_MAX_FIELDS];
} entry;

struct cache {
    entry    *entries;
    uint32_t  capacity, used;
    uint32_t  lru_head, lru_tail;
    uint32_t *slots; /* hash: entry index or NONE */
    uint64_t  mask;  /* slots - 1 (a power of two) */
    uint32_t  fields;
    uint64_t  hits, misses;
};

static uint64_t mix(uint64_t x) /* splitmix64's finaliser: fixed, not seeded */
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

int cache_new(uint64_t capacity, uint32_t fields, cache **out)
{
    if (capacity == 0 || capacity > UINT32_MAX / 4)
        return SIM_ERANGE;
    cache *c = sim_calloc(1, sizeof *c);
    if (!c)
        return SIM_ENOMEM;
    uint64_t nslots = 4;
    while (nslots < capacity * 2)
        nslots *= 2;
    c->capacity = (uint32_t)capacity;
    c->fields = fields;
    c->mask = nslots - 1;
    c->lru_head = c->lru_tail = NONE;
    c->entries = sim_calloc(capacity, sizeof *c->entries);
    c->slots = sim_malloc(nslots * sizeof *c->slots);
    if (!c->entries || !c->slots) {
        cache_free(c);
        return SIM_ENOMEM;
    }
    memset(c->slots, 0xff, nslots * sizeof *c->slots);
    *out = c;
    return 0;
}

void cache_free(cache *c)
{
    if (!c)
        return;
    sim_free(c->entries);
    sim_free(c->slots);
    sim_free(c);
}

/* The slot holding key, or the empty slot where it would go. */
static uint64_t find_slot(const cache *c, uint64_t key)
{
    uint64_t i = mix(key) & c->mask;
    while (c->slots[i] != NONE && c->entries[c->slots[i]].key != key)
        i = (i + 1) & c->mask;
    return i;
}

static void lru_unlink(cache *c, uint32_t i)
{
    entry *e = &c->entries[i];
    if (e->prev != NONE)
        c->entries[e->prev].next = e->next;
    else
        c->lru_head = e->next;
    if (e->next != NONE)
        c->entries[e->next].prev = e->prev;
    else
        c->lru_tail = e->prev;
}

static void lru_push_front(cache *c, uint32_t i)
{
    entry *e = &c->entries[i];
    e->prev = NONE;
    e->next = c->lru_head;
    if (c->lru_head != NONE)
        c->entries[c->lru_head].prev = i;
    c->lru_head = i;
    if (c->lru_tail == NONE)
        c->lru_tail = i;
}

/* Remove the slot at i, shifting later members of its probe run back (no tombstones). */
static void slot_delete(cache *c, uint64_t i)
{
    uint64_t j = i;
    for (;;) {
        c->slots[i] = NONE;
        for (;;) {
            j = (j + 1) & c->mask;
            if (c->slots[j] == NONE)
                return;
            uint64_t home = mix(c->entries[c->slots[j]].key) & c->mask;
            /* Move j back to i unless its home lies cyclically in (i, j]. */
            bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!stays)
                break;
        }
        c->slots[i] = c->slots[j];
        i = j;
    }
}

const store_cell *cache_get(cache *c, uint64_t key)
{
    uint64_t s = find_slot(c, key);
    if (c->slots[s] == NONE) {
        c->misses++;
        return NULL;
    }
    c->hits++;
    uint32_t i = c->slots[s];
    lru_unlink(c, i);
    lru_push_front(c, i);
    return c->entries[i].cell;
}

void cache_put(cache *c, uint64_t key, const store_cell *cells)
{
    uint64_t s = find_slot(c, key);
    uint32_t i = c->slots[s];
    if (i != NONE) {
        lru_unlink(c, i);
    } else {
        if (c->used < c->capacity) {
            i = c->used++;
        } else {
            i = c->lru_tail; /* evict the least recently used */
            lru_unlink(c, i);
            slot_delete(c, find_slot(c, c->entries[i].key));
            s = find_slot(c, key);
        }
        c->slots[s] = i;
        c->entries[i].key = key;
    }
    memcpy(c->entries[i].cell, cells, c->fields * sizeof cells[0]);
    lru_push_front(c, i);
}

void cache_invalidate(cache *c, uint64_t key)
{
    uint64_t s = find_slot(c, key);
    uint32_t i = c->slots[s];
    if (i == NONE)
        return;
    lru_unlink(c, i);
    slot_delete(c, s);
    /* Keep entries dense: move the last used entry into the hole. */
    uint32_t last = --c->used;
    if (i != last) {
        c->entries[i] = c->entries[last];
        entry *e = &c->entries[i];
        if (e->prev != NONE)
            c->entries[e->prev].next = i;
        else
            c->lru_head = i;
        if (e->next != NONE)
            c->entries[e->next].prev = i;
        else
            c->lru_tail = i;
        c->slots[find_slot(c, e->key)] = i;
    }
}

uint64_t cache_hits(const cache *c) { return c->hits; }
uint64_t cache_misses(const cache *c) { return c->misses; }
