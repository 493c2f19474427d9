/* store.h - a region's versioned key-value store over the scenario's key space.
 *
 * Keys are 0 .. keys-1, so the store is a set of flat arrays indexed by key: no hashing, no
 * allocation after creation. A record holds
 *   - 'fields' cells, each naming the write whose value it holds (write_id 0: null field),
 *     with that write's timestamp (from its region's clock or HLC) for merge;
 *   - 'head': the write that last changed the record as a whole, whose timestamp orders
 *     records under last-write-wins;
 *   - a set of up to 64 elements (a bit mask), united by merge;
 *   - a version vector: per origin region, the highest per-origin sequence number whose
 *     write the record has seen; it tells whether a replicated write causally follows the
 *     record or is concurrent with it (a conflict).
 * Write ids are (origin << 56) | per-origin sequence, so the origin is never stored apart.
 *
 * Each cell also carries 'kseq', the write's position in the key's true commit order. It is
 * an annotation for the oracle (ground truth travelling with the data, as a test harness
 * would tag values); code under test never reads it.
 *
 * Memory: keys x (fields x 24 + 24 + 8 + regions x 4) bytes per region; store_new() refuses
 * sizes beyond STORE_MAX_BYTES. */
#ifndef MRSIM_STORE_H
#define MRSIM_STORE_H

#include "deploy.h"
#include "sim.h"

#define STORE_MAX_FIELDS 8
_Static_assert(STORE_MAX_FIELDS == SCN_MAX_FIELDS,
               "a record holds every field a scenario may ask for");
#define STORE_MAX_BYTES (UINT64_C(4) << 30) /* per store */

#define STORE_WRITE_ID(origin, seq) ((uint64_t)(origin) << 56 | (uint64_t)(seq))
#define STORE_WRITE_ORIGIN(id)      ((uint32_t)((id) >> 56))
#define STORE_WRITE_SEQ(id)         ((id) & ((UINT64_C(1) << 56) - 1))

typedef struct store_cell {
    int64_t  ts;       /* writer's timestamp (wall ns or packed HLC) */
    uint64_t write_id; /* 0: never written */
    uint64_t kseq;     /* oracle annotation: commit order in the key */
} store_cell;

typedef struct store store; /* opaque */

/* A copy of one record, as replication ships it. Only the first 'fields' cells and 'regions'
 * vector entries are meaningful. */
typedef struct store_record {
    store_cell head;
    store_cell cell[STORE_MAX_FIELDS];
    uint64_t   set;
    uint32_t   vv[ENV_MAX_REGIONS]; /* per origin region */
} store_record;

/* A store for keys 0 .. keys-1. 0, SIM_ERANGE (too large: err says how large) or
 * SIM_ENOMEM. */
int  store_new(uint64_t keys, uint32_t fields, uint32_t regions, store **out, sim_err *err);
void store_free(store *s); /* NULL is a no-op */

uint64_t store_keys(const store *s);
uint32_t store_fields(const store *s);
uint32_t store_regions(const store *s);

/* Direct access to a record's parts, valid until the store is freed. */
store_cell *store_head(store *s, uint64_t key);
store_cell *store_cells(store *s, uint64_t key); /* 'fields' cells */
uint64_t   *store_set(store *s, uint64_t key);
uint32_t   *store_vv(store *s, uint64_t key); /* 'regions' entries */

/* Copy a record out / in (only the meaningful parts). */
void store_get(store *s, uint64_t key, store_record *out);
void store_put(store *s, uint64_t key, const store_record *in);

/* Make dst a copy of src (same shape): every record, version vectors included. */
void store_copy(store *dst, const store *src);
/* Whether two stores hold the same record for key (same cells, head and set; version vectors
 * are bookkeeping and not compared). Both must have the same shape. */
bool store_same(store *a, store *b, uint64_t key);

#endif
