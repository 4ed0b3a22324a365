/* hashtab.c - chained hash table of words (FNV-1a). */
#include <stdlib.h>
#include <string.h>
#include "textstat.h"

long ts_alloc_count;   /* tentative -> common */
long ts_lookup_count;  /* tentative -> common */

static size_t resize_count;

unsigned long ht_hash(const char *s)
{
    unsigned long h = 14695981039346656037UL;
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 1099511628211UL;
    }
    return h;
}

void ht_init(struct hashtab *ht, size_t nbuckets)
{
    ht->nbuckets = nbuckets;
    ht->nentries = 0;
    ht->collisions = 0;
    ht->buckets = calloc(nbuckets, sizeof *ht->buckets);
    ts_alloc_count++;
}

static void ht_grow(struct hashtab *ht)
{
    size_t newn = ht->nbuckets * 2, i;
    struct word_entry **nb = calloc(newn, sizeof *nb);
    ts_alloc_count++;
    ht->collisions = 0;
    for (i = 0; i < ht->nbuckets; i++) {
        struct word_entry *e = ht->buckets[i], *next;
        for (; e; e = next) {
            size_t b = ht_hash(e->word) % newn;
            next = e->next;
            if (nb[b])
                ht->collisions++;
            e->next = nb[b];
            nb[b] = e;
        }
    }
    free(ht->buckets);
    ht->buckets = nb;
    ht->nbuckets = newn;
    resize_count++;
}

struct word_entry *ht_find(const struct hashtab *ht, const char *word)
{
    struct word_entry *e;
    ts_lookup_count++;
    for (e = ht->buckets[ht_hash(word) % ht->nbuckets]; e; e = e->next)
        if (strcmp(e->word, word) == 0)
            return e;
    return NULL;
}

struct word_entry *ht_add(struct hashtab *ht, const char *word, int line)
{
    struct word_entry *e = ht_find(ht, word);
    size_t b;
    if (e) {
        e->count++;
        return e;
    }
    if (ht->nentries * 4 >= ht->nbuckets * 3)
        ht_grow(ht);
    b = ht_hash(word) % ht->nbuckets;
    e = ts_xmalloc(sizeof *e);
    e->word = ts_strdup(word);
    e->count = 1;
    e->first_line = line;
    e->length = (int)strlen(word);
    if (ht->buckets[b])
        ht->collisions++;
    e->next = ht->buckets[b];
    ht->buckets[b] = e;
    ht->nentries++;
    return e;
}

struct word_entry **ht_to_array(const struct hashtab *ht)
{
    struct word_entry **arr = ts_xmalloc(sizeof *arr * (ht->nentries + 1));
    size_t i, n = 0;
    for (i = 0; i < ht->nbuckets; i++) {
        struct word_entry *e;
        for (e = ht->buckets[i]; e; e = e->next)
            arr[n++] = e;
    }
    arr[n] = NULL;
    return arr;
}

void ht_free(struct hashtab *ht)
{
    size_t i;
    for (i = 0; i < ht->nbuckets; i++) {
        struct word_entry *e = ht->buckets[i], *next;
        for (; e; e = next) {
            next = e->next;
            free(e->word);
            free(e);
        }
    }
    free(ht->buckets);
    ht->buckets = NULL;
    ht->nbuckets = 0;
    ht->nentries = 0;
}

size_t ht_resize_count(void)
{
    return resize_count;
}
