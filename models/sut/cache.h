/* cache.h - a region's read cache: the last 'capacity' records read, least recently used
 * evicted first. Code under test (read-local/write-global keeps one per region in front of
 * the replica).
 *
 * A hit returns the record as it was when the cache was filled, so a cache serves stale
 * data until an invalidation removes the key - and an invalidation that arrives before the
 * replica has applied the write lets the next miss refill the cache from the stale replica,
 * the classic race that the oracle then counts.
 *
 * Lookups are an open-addressed hash (linear probing, backward-shift deletion) over a fixed
 * pool of entries on an intrusive LRU list: no allocation after creation. */
#ifndef MRSIM_CACHE_H
#define MRSIM_CACHE_H

#include "store.h"

typedef struct cache cache; /* opaque */

/* A cache of 'capacity' records of 'fields' fields. 0 or SIM_ENOMEM. */
int  cache_new(uint64_t capacity, uint32_t fields, cache **out);
void cache_free(cache *c); /* NULL is a no-op */

/* The cached cells ('fields' of them) of key, made most recently used; NULL on a miss.
 * Valid until the next call on the cache. */
const store_cell *cache_get(cache *c, uint64_t key);
/* Cache key's cells (replacing an older copy; evicting the least recently used if full). */
void cache_put(cache *c, uint64_t key, const store_cell *cells);
/* Forget key, if cached. */
void cache_invalidate(cache *c, uint64_t key);

uint64_t cache_hits(const cache *c);
uint64_t cache_misses(const cache *c);

#endif
