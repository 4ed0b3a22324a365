/* heap.c - binary heap ordered by a caller-supplied 'less' callback. */
#include <stdlib.h>
#include "dsbench.h"

unsigned long dsb_allocs;  /* tentative -> common */
unsigned long dsb_ops;     /* tentative -> common */

void heap_init(struct heap *h, int (*less)(int, int))
{
    h->items = NULL;
    h->len = h->cap = 0;
    h->less = less;
}

static void swap(int *a, int *b)
{
    int t = *a;
    *a = *b;
    *b = t;
}

void heap_push(struct heap *h, int x)
{
    size_t i;
    if (h->len == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 16;
        h->items = realloc(h->items, h->cap * sizeof *h->items);
        dsb_allocs++;
    }
    i = h->len++;
    h->items[i] = x;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        dsb_ops++;
        if (!h->less(h->items[i], h->items[p]))
            break;
        swap(&h->items[i], &h->items[p]);
        i = p;
    }
}

int heap_pop(struct heap *h)
{
    int top = h->items[0];
    size_t i = 0;
    h->items[0] = h->items[--h->len];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->len && h->less(h->items[l], h->items[m]))
            m = l;
        if (r < h->len && h->less(h->items[r], h->items[m]))
            m = r;
        if (m == i)
            break;
        swap(&h->items[i], &h->items[m]);
        i = m;
    }
    return top;
}

void heap_free(struct heap *h)
{
    free(h->items);
    h->items = NULL;
    h->len = h->cap = 0;
}
