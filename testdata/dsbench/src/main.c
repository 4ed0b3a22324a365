/* main.c - dsbench driver.  One argument: the element count, taken from
 * argv[argc-1] (argc == 2 for a normal executable, argc == 1 under a JIT
 * runner that passes no program name). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsbench.h"

unsigned long dsb_allocs;  /* tentative -> common */
unsigned long dsb_ops;     /* tentative -> common */

/* Strong override of the weak seed in rng.c. */
uint64_t dsb_default_seed(void)
{
    return 20240601;
}

/* Weak undefined references. */
extern void dsb_profile_hook(const char *name, unsigned long ops) __attribute__((weak));
extern const int dsb_extra_tests __attribute__((weak));

static int failures;

void out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

void err(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "dsbench: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void check(int cond, const char *test, const char *what)
{
    if (!cond) {
        err("%s: check failed: %s", test, what);
        failures++;
    }
}

/* ---------------- tests ---------------- */

static int cmp_int_asc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_int_desc(const void *a, const void *b)
{
    return cmp_int_asc(b, a);
}

static int t_vec(int n, struct rng *r)
{
    struct vec v;
    int i, sorted = 1;
    long sum;
    vec_init(&v);
    for (i = 0; i < n; i++)
        vec_push(&v, (int)rng_below(r, 100000));
    sum = vec_sum(&v);
    vec_sort(&v, cmp_int_asc);
    for (i = 1; i < n; i++)
        if (v.items[i - 1] > v.items[i])
            sorted = 0;
    check(sorted, "vec", "ascending order");
    out("  sum=%ld min=%d median=%d max=%d", sum, v.items[0], v.items[n / 2], v.items[n - 1]);
    vec_sort(&v, cmp_int_desc);
    out(" top3=%d,%d,%d", v.items[0], n > 1 ? v.items[1] : -1, n > 2 ? v.items[2] : -1);
    for (i = 0; i < n / 2; i++)
        sum -= vec_pop(&v);
    out(" rest=%ld len=%zu cap=%zu\n", sum, v.len, v.cap);
    vec_free(&v);
    return 0;
}

static int t_list(int n, struct rng *r)
{
    struct list l;
    int i, x, ok = 1, prev;
    list_init(&l);
    for (i = 0; i < n; i++) {
        if (rng_below(r, 2))
            list_push_back(&l, (int)rng_below(r, 1000));
        else
            list_push_front(&l, (int)rng_below(r, 1000));
    }
    out("  len=%zu checksum=%ld", l.len, list_checksum(&l));
    list_reverse(&l);
    out(" reversed=%ld", list_checksum(&l));
    list_sort(&l);
    out(" sorted=%ld", list_checksum(&l));
    prev = -1;
    for (i = 0; i < n / 3; i++) {
        list_pop_front(&l, &x);
        if (x < prev)
            ok = 0;
        prev = x;
    }
    check(ok, "list", "sorted pops");
    out(" after-pops len=%zu last=%d\n", l.len, prev);
    list_free(&l);
    return 0;
}

struct walk_acc {
    long sum;
    int count;
    int last;
    int ordered;
};

static void walk_cb(int key, int value, void *ctx)
{
    struct walk_acc *a = ctx;
    if (a->count && key <= a->last)
        a->ordered = 0;
    a->last = key;
    a->sum += (long)key * 3 + value;
    a->count++;
}

static int t_rbtree(int n, struct rng *r)
{
    struct rbtree t;
    struct walk_acc acc = {0, 0, 0, 1};
    int i, inserted = 0, deleted = 0, found = 0, v;
    rb_init(&t);
    for (i = 0; i < n; i++)
        inserted += rb_insert(&t, (int)rng_below(r, (uint32_t)n * 4), i);
    check(rb_check(&t) > 0, "rbtree", "valid after inserts");
    out("  inserted=%d size=%zu height=%d black-height=%d", inserted, t.size, rb_height(&t),
        rb_check(&t));
    for (i = 0; i < n; i++)
        deleted += rb_delete(&t, (int)rng_below(r, (uint32_t)n * 4));
    check(rb_check(&t) > 0, "rbtree", "valid after deletes");
    for (i = 0; i < n; i++)
        found += rb_find(&t, i, &v);
    rb_walk(&t, walk_cb, &acc);
    check(acc.ordered, "rbtree", "in-order walk");
    check((size_t)acc.count == t.size, "rbtree", "walk count");
    out(" deleted=%d size=%zu height=%d found=%d walk-sum=%ld\n", deleted, t.size,
        rb_height(&t), found, acc.sum);
    rb_free(&t);
    return 0;
}

static int less_int(int a, int b) { return a < b; }
static int greater_int(int a, int b) { return a > b; }
static int less_mod(int a, int b)
{
    if (a % 100 != b % 100)
        return a % 100 < b % 100;
    return a < b;
}

static const struct {
    const char *name;
    int (*less)(int, int);
} heap_kinds[] = {
    {"min", less_int},
    {"max", greater_int},
    {"mod100", less_mod},
};

static int t_heap(int n, struct rng *r)
{
    size_t k;
    for (k = 0; k < sizeof heap_kinds / sizeof heap_kinds[0]; k++) {
        struct heap h;
        int i, prev = 0, ok = 1;
        long weighted = 0;
        heap_init(&h, heap_kinds[k].less);
        for (i = 0; i < n; i++)
            heap_push(&h, (int)rng_below(r, 50000));
        for (i = 0; i < n; i++) {
            int x = heap_pop(&h);
            if (i && heap_kinds[k].less(x, prev))
                ok = 0;
            prev = x;
            weighted = (weighted * 7 + x) % 999983;
        }
        check(ok, "heap", heap_kinds[k].name);
        out("  %-6s last=%-6d digest=%ld\n", heap_kinds[k].name, prev, weighted);
        heap_free(&h);
    }
    return 0;
}

static int t_hashmap(int n, struct rng *r)
{
    struct hashmap *m = hm_new(16);
    char key[32];
    int i, hits = 0, removed = 0;
    long v, total = 0;
    for (i = 0; i < n; i++) {
        snprintf(key, sizeof key, "k%u", rng_below(r, (uint32_t)n));
        if (hm_get(m, key, &v))
            hm_put(m, key, v + 1);
        else
            hm_put(m, key, 1);
    }
    for (i = 0; i < n; i++) {
        snprintf(key, sizeof key, "k%d", i);
        if (hm_get(m, key, &v)) {
            hits++;
            total += v * (i % 13);
        }
    }
    for (i = 0; i < n; i += 3) {
        snprintf(key, sizeof key, "k%d", i);
        removed += hm_remove(m, key);
    }
    for (i = 0; i < n; i += 5) {
        snprintf(key, sizeof key, "new%d", i);
        hm_put(m, key, i);
    }
    out("  distinct=%d weighted=%ld removed=%d size=%zu cap=%zu probes/op=%.3f\n", hits,
        total, removed, hm_size(m), hm_capacity(m),
        (double)hm_probe_total(m) / (double)(n + n / 3 + n / 5 + 1));
    hm_free(m);
    return 0;
}

static int t_strbuf(int n, struct rng *r)
{
    struct strbuf sb;
    int i;
    double sum = 0, sumsq = 0, mn = 1, mx = 0;
    sb_init(&sb);
    for (i = 0; i < n; i++) {
        double u = rng_unit(r);
        sum += u;
        sumsq += u * u;
        if (u < mn)
            mn = u;
        if (u > mx)
            mx = u;
        sb_printf(&sb, "%d:%.4f;", i, u);
        if (i % 50 == 49)
            sb_putc(&sb, '\n');
    }
    {
        double mean = sum / n, var = sumsq / n - mean * mean;
        out("  len=%zu hash=%08x mean=%f var=%.6e min=%g max=%g\n", sb.len, sb_hash(&sb),
            mean, var, mn, mx);
    }
    sb_reset(&sb);
    sb_printf(&sb, "%s|%-8s|%8s|%+d|%05d|%x|%o|%c|%%|%.3s", "fmt", "left", "right", 42, 7,
              255u, 8u, 'Z', "truncated");
    out("  format: %s\n", sb.data);
    sb_free(&sb);
    return 0;
}

static int t_vm(int n, struct rng *r)
{
    struct strbuf trace;
    int round;
    long acc = 0;
    sb_init(&trace);
    for (round = 0; round < 4; round++) {
        long res = vm_run_random(r, n / 4 + 10, &trace);
        if (res == -1)
            return 1;
        acc = acc * 31 + res;
    }
    out("  result=%ld trace-hash=%08x\n", acc, sb_hash(&trace));
    sb_free(&trace);
    return 0;
}

static int t_arena(int n, struct rng *r)
{
    int i;
    size_t total = 0;
    (void)r;
    for (i = 0; i < 100; i++) {
        size_t sz = (size_t)(n % 97 + i);
        char *p = arena_alloc(sz);
        memset(p, i, sz);
        total += sz;
    }
    out("  requested=%zu peak=%zu capacity=%zu\n", total, arena_used(), arena_capacity());
    arena_reset();
    return 0;
}

struct test {
    const char *name;
    int (*run)(int n, struct rng *r);
    const char *what;
};

static const struct test tests[] = {
    {"vec", t_vec, "dynamic array + qsort callbacks"},
    {"list", t_list, "doubly linked list + merge sort"},
    {"rbtree", t_rbtree, "red-black tree insert/delete/walk"},
    {"heap", t_heap, "binary heaps with three orderings"},
    {"hashmap", t_hashmap, "open addressing string map"},
    {"strbuf", t_strbuf, "vsnprintf string builder"},
    {"vm", t_vm, "switch vs function-table interpreter"},
    {"arena", t_arena, "bump allocator in large static data"},
};

/* Global data pointing at other data. */
struct suite {
    const char *title;
    const struct test *tests;
    int ntests;
    int *failure_counter;
} dsb_suite = {"dsbench suite", tests, (int)(sizeof tests / sizeof tests[0]), &failures};

__attribute__((constructor(102))) static void ctor_102(void)
{
    out("[ctor 102] %d tests registered\n", dsb_suite.ntests);
}

__attribute__((constructor)) static void ctor_default(void)
{
    out("[ctor] label=%s seed=%llu\n", dsb_label, (unsigned long long)dsb_default_seed());
}

__attribute__((destructor)) static void dtor(void)
{
    fprintf(stderr, "dsbench: [dtor] failures=%d\n", failures);
}

static void report_totals(void)
{
    out("[atexit] allocations=%lu rng/ops=%lu\n", dsb_allocs, dsb_ops);
}

static void report_first(void)
{
    out("[atexit] registered first, runs last\n");
}

int main(int argc, char **argv)
{
    const char *arg;
    char *end;
    long n;
    int i;
    struct rng r;

    if (argc < 1) {
        err("usage: dsbench COUNT");
        return 2;
    }
    arg = argv[argc - 1];
    n = strtol(arg, &end, 10);
    if (end == arg || *end != 0 || n <= 0) {
        err("invalid count '%s' (expected a positive integer)", arg);
        err("usage: dsbench COUNT");
        return 2;
    }
    if (n > 50000) {
        err("count %ld too large (max 50000)", n);
        return 2;
    }
    atexit(report_first);
    atexit(report_totals);

    out("%s: n=%ld\n", dsb_suite.title, n);
    if (&dsb_extra_tests)
        out("extra tests: %d\n", dsb_extra_tests);
    rng_seed(&r, dsb_default_seed());
    for (i = 0; i < dsb_suite.ntests; i++) {
        const struct test *t = &dsb_suite.tests[i];
        unsigned long before = dsb_ops;
        out("[%d] %-8s %s\n", i + 1, t->name, t->what);
        if (t->run((int)n, &r) != 0) {
            err("test %s failed", t->name);
            (*dsb_suite.failure_counter)++;
        }
        if (dsb_profile_hook)
            dsb_profile_hook(t->name, dsb_ops - before);
    }
    out("done: %d failure%s\n", failures, failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}
