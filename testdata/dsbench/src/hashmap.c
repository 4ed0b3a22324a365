/* hashmap.c - open addressing (linear probing) map from strings to longs,
 * with tombstones and resizing. */
#include <stdlib.h>
#include <string.h>
#include "dsbench.h"

unsigned long dsb_allocs;  /* tentative -> common */

#define TOMBSTONE ((char *)&tombstone_marker)
static const char tombstone_marker = 0;

struct slot {
    char *key;
    long value;
};

struct hashmap {
    struct slot *slots;
    size_t cap, size, used; /* used counts tombstones too */
    long probes;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 0x100000001b3ULL;
    }
    return h ^ (h >> 32);
}

struct hashmap *hm_new(size_t cap)
{
    struct hashmap *m = malloc(sizeof *m);
    size_t c = 8;
    while (c < cap)
        c *= 2;
    m->slots = calloc(c, sizeof *m->slots);
    m->cap = c;
    m->size = m->used = 0;
    m->probes = 0;
    dsb_allocs += 2;
    return m;
}

static struct slot *lookup(const struct hashmap *m, const char *key, long *probes)
{
    size_t mask = m->cap - 1, i = (size_t)hash_str(key) & mask;
    struct slot *first_tomb = NULL;
    for (;;) {
        struct slot *s = &m->slots[i];
        (*probes)++;
        if (!s->key)
            return first_tomb ? first_tomb : s;
        if (s->key == TOMBSTONE) {
            if (!first_tomb)
                first_tomb = s;
        } else if (strcmp(s->key, key) == 0) {
            return s;
        }
        i = (i + 1) & mask;
    }
}

static void rehash(struct hashmap *m, size_t newcap)
{
    struct slot *old = m->slots;
    size_t oldcap = m->cap, i;
    m->slots = calloc(newcap, sizeof *m->slots);
    m->cap = newcap;
    m->size = m->used = 0;
    dsb_allocs++;
    for (i = 0; i < oldcap; i++) {
        if (old[i].key && old[i].key != TOMBSTONE) {
            struct slot *s = lookup(m, old[i].key, &m->probes);
            *s = old[i];
            m->size++;
            m->used++;
        }
    }
    free(old);
}

void hm_put(struct hashmap *m, const char *key, long value)
{
    struct slot *s;
    if ((m->used + 1) * 4 > m->cap * 3)
        rehash(m, m->size * 2 + 1 > m->cap / 2 ? m->cap * 2 : m->cap);
    s = lookup(m, key, &m->probes);
    if (s->key && s->key != TOMBSTONE) {
        s->value = value;
        return;
    }
    if (!s->key)
        m->used++;
    s->key = strdup(key);
    s->value = value;
    m->size++;
    dsb_allocs++;
}

int hm_get(const struct hashmap *m, const char *key, long *value)
{
    long probes = 0;
    struct slot *s = lookup(m, key, &probes);
    if (!s->key || s->key == TOMBSTONE)
        return 0;
    *value = s->value;
    return 1;
}

int hm_remove(struct hashmap *m, const char *key)
{
    struct slot *s = lookup(m, key, &m->probes);
    if (!s->key || s->key == TOMBSTONE)
        return 0;
    free(s->key);
    s->key = TOMBSTONE;
    m->size--;
    return 1;
}

size_t hm_size(const struct hashmap *m) { return m->size; }
size_t hm_capacity(const struct hashmap *m) { return m->cap; }
long hm_probe_total(const struct hashmap *m) { return m->probes; }

void hm_free(struct hashmap *m)
{
    size_t i;
    for (i = 0; i < m->cap; i++)
        if (m->slots[i].key && m->slots[i].key != TOMBSTONE)
            free(m->slots[i].key);
    free(m->slots);
    free(m);
}
