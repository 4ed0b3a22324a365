/* dsbench.h - shared declarations for the data-structure workout. */
#ifndef DSBENCH_H
#define DSBENCH_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- rng.c: deterministic LCG / xorshift ---- */
struct rng {
    uint64_t state;
};
void rng_seed(struct rng *r, uint64_t seed);
uint32_t rng_next(struct rng *r);
uint32_t rng_below(struct rng *r, uint32_t n);
double rng_unit(struct rng *r);
uint64_t dsb_default_seed(void);

/* ---- strbuf.c: growable string with vsnprintf ---- */
struct strbuf {
    char *data;
    size_t len, cap;
};
void sb_init(struct strbuf *sb);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_putc(struct strbuf *sb, char c);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);
uint32_t sb_hash(const struct strbuf *sb);

/* ---- vec.c: dynamic array of ints ---- */
struct vec {
    int *items;
    size_t len, cap;
};
void vec_init(struct vec *v);
void vec_push(struct vec *v, int x);
int vec_pop(struct vec *v);
void vec_free(struct vec *v);
void vec_sort(struct vec *v, int (*cmp)(const void *, const void *));
long vec_sum(const struct vec *v);

/* ---- list.c: doubly linked list ---- */
struct lnode {
    int value;
    struct lnode *prev, *next;
};
struct list {
    struct lnode head; /* sentinel */
    size_t len;
};
void list_init(struct list *l);
void list_push_back(struct list *l, int v);
void list_push_front(struct list *l, int v);
int list_pop_front(struct list *l, int *out);
void list_reverse(struct list *l);
void list_sort(struct list *l);
void list_free(struct list *l);
long list_checksum(const struct list *l);

/* ---- rbtree.c: red-black tree map int -> int ---- */
struct rbnode;
struct rbtree {
    struct rbnode *root;
    size_t size;
};
void rb_init(struct rbtree *t);
int rb_insert(struct rbtree *t, int key, int value);
int rb_find(const struct rbtree *t, int key, int *value);
int rb_delete(struct rbtree *t, int key);
int rb_height(const struct rbtree *t);
int rb_check(const struct rbtree *t);
void rb_walk(const struct rbtree *t, void (*fn)(int key, int value, void *ctx), void *ctx);
void rb_free(struct rbtree *t);

/* ---- heap.c: binary min-heap with comparator ---- */
struct heap {
    int *items;
    size_t len, cap;
    int (*less)(int a, int b);
};
void heap_init(struct heap *h, int (*less)(int, int));
void heap_push(struct heap *h, int x);
int heap_pop(struct heap *h);
void heap_free(struct heap *h);

/* ---- hashmap.c: open addressing string -> long ---- */
struct hashmap;
struct hashmap *hm_new(size_t cap);
void hm_put(struct hashmap *m, const char *key, long value);
int hm_get(const struct hashmap *m, const char *key, long *value);
int hm_remove(struct hashmap *m, const char *key);
size_t hm_size(const struct hashmap *m);
size_t hm_capacity(const struct hashmap *m);
long hm_probe_total(const struct hashmap *m);
void hm_free(struct hashmap *m);

/* ---- vm.c: tiny stack machine (big switch) ---- */
long vm_run_random(struct rng *r, int nops, struct strbuf *trace);

/* ---- arena.c: bump allocator over a large static array ---- */
void *arena_alloc(size_t n);
void arena_reset(void);
size_t arena_used(void);
size_t arena_capacity(void);

/* ---- main.c ---- */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* weak hooks */
uint64_t dsb_default_seed(void);
extern const char *dsb_label;

/* common (tentative) counters */
extern unsigned long dsb_allocs;
extern unsigned long dsb_ops;

#endif
