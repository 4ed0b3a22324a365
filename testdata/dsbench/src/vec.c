/* vec.c - dynamic int array. */
#include <stdlib.h>
#include "dsbench.h"

unsigned long dsb_allocs;  /* tentative -> common */

void vec_init(struct vec *v)
{
    v->items = NULL;
    v->len = v->cap = 0;
}

void vec_push(struct vec *v, int x)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = realloc(v->items, v->cap * sizeof *v->items);
        dsb_allocs++;
    }
    v->items[v->len++] = x;
}

int vec_pop(struct vec *v)
{
    return v->len ? v->items[--v->len] : 0;
}

void vec_free(struct vec *v)
{
    free(v->items);
    vec_init(v);
}

void vec_sort(struct vec *v, int (*cmp)(const void *, const void *))
{
    qsort(v->items, v->len, sizeof *v->items, cmp);
}

long vec_sum(const struct vec *v)
{
    long s = 0;
    size_t i;
    for (i = 0; i < v->len; i++)
        s += v->items[i];
    return s;
}
