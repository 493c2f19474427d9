/* store.c - a region's versioned key-value store as flat arrays indexed by key.
 *
 * All four arrays (cells, heads, sets, version vectors) live in one zeroed block, carved in
 * order of decreasing alignment so no padding is needed: a zeroed record is a record nobody
 * has written (write id 0 everywhere). The size is computed in uint64_t with every step
 * checked before the block is requested, and refused beyond STORE_MAX_BYTES with the
 * formula's inputs in the message, so that a scenario with a huge key space fails with an
 * explanation instead of a swap storm or an opaque out-of-memory. Rejected: one array of
 * fixed-size store_record, which would cost 8 fields and 64 regions per key (~500 bytes)
 * whatever the scenario uses.
 *
 * The accessors take any key below store_keys(); a key beyond it is a bug in the caller and
 * fails an assertion. */
#include "store.h"

#include <assert.h>
#include <string.h>

#define MAX_REGIONS 64                        /* entries in store_record.vv */

struct store {
    uint64_t    keys;
    uint32_t    fields, regions;
    store_cell *cells;                        /* keys x fields */
    store_cell *head;                         /* keys */
    uint64_t   *set;                          /* keys */
    uint32_t   *vv;                           /* keys x regions */
    void       *block;                        /* owns all four arrays */
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
        return sim_err_set(err, SIM_ERANGE, NULL, "expected at most %d fields per record, "
                           "got %u", STORE_MAX_FIELDS, fields);
    if (regions > MAX_REGIONS)
        return sim_err_set(err, SIM_ERANGE, NULL, "expected at most %d regions, got %u",
                           MAX_REGIONS, regions);
    uint64_t per_key = (uint64_t)fields * sizeof(store_cell) + sizeof(store_cell)
                       + sizeof(uint64_t) + (uint64_t)regions * sizeof(uint32_t);
    uint64_t bytes = 0;
    if (!mul_ok(keys, per_key, &bytes) || bytes > STORE_MAX_BYTES
        || (uint64_t)(size_t)bytes != bytes) {
        /* The double is for the message only; it is exact enough for a size in MB. */
        double mb = (double)keys * (double)per_key / (1024.0 * 1024.0);
        return sim_err_set(err, SIM_ERANGE, NULL,
                           "a store of %.0f MB is too large (at most %llu MB): %llu keys x "
                           "(%u fields x %zu + %zu + %zu + %u regions x %zu) bytes", mb,
                           (unsigned long long)(STORE_MAX_BYTES >> 20),
                           (unsigned long long)keys, fields, sizeof(store_cell),
                           sizeof(store_cell), sizeof(uint64_t), regions, sizeof(uint32_t));
    }

    store *s = sim_calloc(1, sizeof *s);
    if (!s)
        goto fail;
    s->keys = keys;
    s->fields = fields;
    s->regions = regions;
    s->block = sim_calloc((size_t)bytes, 1);
    if (!s->block)
        goto fail;
    /* Largest alignment first: cells and heads (8), sets (8), then vectors (4). */
    unsigned char *p = s->block;
    s->cells = (store_cell *)p;
    p += keys * fields * sizeof(store_cell);
    s->head = (store_cell *)p;
    p += keys * sizeof(store_cell);
    s->set = (uint64_t *)(void *)p;
    p += keys * sizeof(uint64_t);
    s->vv = (uint32_t *)(void *)p;
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

store_cell *store_head(store *s, uint64_t key)
{
    assert(key < s->keys);
    return &s->head[key];
}

store_cell *store_cells(store *s, uint64_t key)
{
    assert(key < s->keys);
    return &s->cells[key * s->fields];
}

uint64_t *store_set(store *s, uint64_t key)
{
    assert(key < s->keys);
    return &s->set[key];
}

uint32_t *store_vv(store *s, uint64_t key)
{
    assert(key < s->keys);
    return &s->vv[key * s->regions];
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
