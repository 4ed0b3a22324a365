/* list.c - doubly linked list with a sentinel node and merge sort. */
#include <stdlib.h>
#include "dsbench.h"

unsigned long dsb_allocs;  /* tentative -> common */

void list_init(struct list *l)
{
    l->head.next = l->head.prev = &l->head;
    l->len = 0;
}

static struct lnode *new_node(int v)
{
    struct lnode *n = malloc(sizeof *n);
    if (!n) {
        err("list: out of memory");
        exit(3);
    }
    n->value = v;
    dsb_allocs++;
    return n;
}

static void link_after(struct lnode *pos, struct lnode *n)
{
    n->prev = pos;
    n->next = pos->next;
    pos->next->prev = n;
    pos->next = n;
}

void list_push_back(struct list *l, int v)
{
    link_after(l->head.prev, new_node(v));
    l->len++;
}

void list_push_front(struct list *l, int v)
{
    link_after(&l->head, new_node(v));
    l->len++;
}

int list_pop_front(struct list *l, int *out)
{
    struct lnode *n = l->head.next;
    if (n == &l->head)
        return 0;
    n->prev->next = n->next;
    n->next->prev = n->prev;
    *out = n->value;
    free(n);
    l->len--;
    return 1;
}

void list_reverse(struct list *l)
{
    struct lnode *n = &l->head;
    do {
        struct lnode *t = n->next;
        n->next = n->prev;
        n->prev = t;
        n = t;
    } while (n != &l->head);
}

/* merge sort on the singly linked 'next' chain, then rebuild prev links */
static struct lnode *merge(struct lnode *a, struct lnode *b)
{
    struct lnode dummy, *tail = &dummy;
    while (a && b) {
        if (a->value <= b->value) {
            tail->next = a;
            a = a->next;
        } else {
            tail->next = b;
            b = b->next;
        }
        tail = tail->next;
    }
    tail->next = a ? a : b;
    return dummy.next;
}

static struct lnode *msort(struct lnode *h, size_t n)
{
    struct lnode *mid, *p;
    size_t i;
    if (n <= 1) {
        if (h)
            h->next = NULL;
        return h;
    }
    p = h;
    for (i = 1; i < n / 2; i++)
        p = p->next;
    mid = p->next;
    p->next = NULL;
    return merge(msort(h, n / 2), msort(mid, n - n / 2));
}

void list_sort(struct list *l)
{
    struct lnode *h, *prev = &l->head;
    if (l->len < 2)
        return;
    l->head.prev->next = NULL;
    h = msort(l->head.next, l->len);
    l->head.next = h;
    for (; h; h = h->next) {
        h->prev = prev;
        prev = h;
    }
    prev->next = &l->head;
    l->head.prev = prev;
}

void list_free(struct list *l)
{
    int dummy;
    while (list_pop_front(l, &dummy))
        ;
}

long list_checksum(const struct list *l)
{
    long s = 0, i = 1;
    const struct lnode *n;
    for (n = l->head.next; n != &l->head; n = n->next, i++)
        s = (s * 31 + n->value * i) % 1000000007L;
    return s;
}
