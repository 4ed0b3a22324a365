/* rng.c - deterministic pseudo-random numbers (64-bit LCG, output mixed with
 * an xorshift); never uses rand(). */
#include "dsbench.h"

unsigned long dsb_ops;  /* tentative -> common */

/* Weak default seed; main.c provides a strong override. */
__attribute__((weak)) uint64_t dsb_default_seed(void)
{
    return 12345;
}

/* Weak data definition that nothing overrides. */
__attribute__((weak)) const char *dsb_label = "dsbench";

void rng_seed(struct rng *r, uint64_t seed)
{
    r->state = seed * 2862933555777941757ULL + 3037000493ULL;
}

uint32_t rng_next(struct rng *r)
{
    uint64_t x;
    r->state = r->state * 6364136223846793005ULL + 1442695040888963407ULL;
    x = r->state;
    x ^= x >> 29;
    x ^= x << 17;
    x ^= x >> 31;
    dsb_ops++;
    return (uint32_t)(x >> 16);
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
    return n ? (uint32_t)(((uint64_t)rng_next(r) * n) >> 32) : 0;
}

double rng_unit(struct rng *r)
{
    return (double)rng_next(r) / 4294967296.0;
}
