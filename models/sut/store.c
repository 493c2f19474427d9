/* store.c - a region's versioned key-value store: one flat array of records indexed by key.
 *
 * A record is laid out contiguously - cells, head, set, version vector - with a stride of
 * its real size (rounded to 8 bytes), so that a read touches one cache line and a write or
 * a replicated apply one or two, where four separate arrays (tried first) cost a miss each
 * in a store of millions of records. A zeroed record is a record nobody has written (write
 * id 0 everywhere). The size is computed in uint64_t with every step
 * checked before the block is requested, and refused beyond STORE_MAX_BYTES with the
 * formula's inputs in the message, so that a scenario with a huge key space fails with an
 * explanation instead of a swap storm or an opaque out-of-memory. Rejected: an array of
 * fixed-size store_record, which would cost 8 fields and 64 regions per key (~500 bytes)
 * whatever the scenario uses.
 *
 * The accessors take any key below store_keys(); a key beyond it is a bug in the caller and
 * fails an assertion. */
#include "store.h"

#include <assert.h>
#include <string.h>

#define MAX_REGIONS 64 /* entries in store_record.vv */

struct store {
    uint64_t       keys;
    uint32_t       fields, regions;
    size_t         stride;                 /* bytes per record, a multiple of 8 */
    size_t         at_head, at_set, at_vv; /* offsets in a record; cells are at 0 */
    unsigned char *block;                  /* keys x stride */
};

/* a * b into *out, false on overflow of uint64_t. */
static bool mul_ok(uint64_t a, uint64_t b, uint64_t *out)
{
    if (b && a > UINT64_MAX / b)
        return false;
    *out = a * b;
    return true;
}

int store_new(uint64_t keys, uint32_t fields, uint32_t regions, store **out, sim_err *err)
{
    *out = NULL;
    if (fields > STORE_MAX_FIELDS)
        return sim_err_set(err, SIM_ERANGE, NULL,
                           "expected at most %d fields per record, "
                           "got %u",
                           STORE_MAX_FIELDS, fields);
    if (regions > MAX_REGIONS)
        return sim_err_set(err, SIM_ERANGE, NULL, "expected at most %d regions, got %u",
                           MAX_REGIONS, regions);
    uint64_t per_key = (uint64_t)fields * sizeof(store_cell) + sizeof(store_cell) + sizeof(uint64_t)
        + (uint64_t)regions * sizeof(uint32_t);
    per_key = (per_key + 7) & ~(uint64_t)7; /* records stay 8-byte aligned */
    uint64_t bytes = 0;
    if (!mul_ok(keys, per_key, &bytes) || bytes > STORE_MAX_BYTES
        || (uint64_t)(size_t)bytes != bytes) {
        /* The double is for the message only; it is exact enough for a size in MB. */
        double mb = (double)keys * (double)per_key / (1024.0 * 1024.0);
        return sim_err_set(err, SIM_ERANGE, NULL,
                           "a store of %.0f MB is too large (at most %llu MB): %llu keys x %llu "
                           "bytes (%u fields x %zu + %zu + %zu + %u regions x %zu, rounded up "
                           "to 8)",
                           mb, (unsigned long long)(STORE_MAX_BYTES >> 20),
                           (unsigned long long)keys, (unsigned long long)per_key, fields,
                           sizeof(store_cell), sizeof(store_cell), sizeof(uint64_t), regions,
                           sizeof(uint32_t));
    }

    store *s = sim_calloc(1, sizeof *s);
    if (!s)
        goto fail;
    s->keys = keys;
    s->fields = fields;
    s->regions = regions;
    s->stride = (size_t)per_key;
    /* Largest alignment first: cells and head (8), set (8), then the vector (4). */
    s->at_head = fields * sizeof(store_cell);
    s->at_set = s->at_head + sizeof(store_cell);
    s->at_vv = s->at_set + sizeof(uint64_t);
    s->block = sim_calloc(bytes ? (size_t)bytes : 1, 1);
    if (!s->block)
        goto fail;
    *out = s;
    return 0;
fail:
    store_free(s);
    return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory for a store of %llu bytes",
                       (unsigned long long)bytes);
}

void store_free(store *s)
{
    if (!s)
        return;
    sim_free(s->block);
    sim_free(s);
}

uint64_t store_keys(const store *s) { return s->keys; }
uint32_t store_fields(const store *s) { return s->fields; }
uint32_t store_regions(const store *s) { return s->regions; }

static unsigned char *record(store *s, uint64_t key)
{
    assert(key < s->keys);
    return s->block + key * s->stride;
}

store_cell *store_head(store *s, uint64_t key)
{
    return (store_cell *)(void *)(record(s, key) + s->at_head);
}

store_cell *store_cells(store *s, uint64_t key) { return (store_cell *)(void *)record(s, key); }

uint64_t *store_set(store *s, uint64_t key)
{
    return (uint64_t *)(void *)(record(s, key) + s->at_set);
}

uint32_t *store_vv(store *s, uint64_t key)
{
    return (uint32_t *)(void *)(record(s, key) + s->at_vv);
}

void store_get(store *s, uint64_t key, store_record *out)
{
    memset(out, 0, sizeof *out);
    out->head = *store_head(s, key);
    memcpy(out->cell, store_cells(s, key), s->fields * sizeof(store_cell));
    out->set = *store_set(s, key);
    memcpy(out->vv, store_vv(s, key), s->regions * sizeof(uint32_t));
}

void store_put(store *s, uint64_t key, const store_record *in)
{
    *store_head(s, key) = in->head;
    memcpy(store_cells(s, key), in->cell, s->fields * sizeof(store_cell));
    *store_set(s, key) = in->set;
    memcpy(store_vv(s, key), in->vv, s->regions * sizeof(uint32_t));
}

static bool cell_same(const store_cell *a, const store_cell *b)
{
    return a->ts == b->ts && a->write_id == b->write_id && a->kseq == b->kseq;
}

bool store_same(store *a, store *b, uint64_t key)
{
    assert(a->fields == b->fields && a->regions == b->regions);
    if (!cell_same(store_head(a, key), store_head(b, key)))
        return false;
    if (*store_set(a, key) != *store_set(b, key))
        return false;
    const store_cell *ca = store_cells(a, key), *cb = store_cells(b, key);
    for (uint32_t i = 0; i < a->fields; i++)
        if (!cell_same(&ca[i], &cb[i]))
            return false;
    return true;
}

void store_copy(store *dst, const store *src)
{
    assert(dst->keys == src->keys && dst->stride == src->stride);
    memcpy(dst->block, src->block, src->keys * src->stride);
}
