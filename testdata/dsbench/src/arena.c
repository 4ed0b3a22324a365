/* arena.c - bump allocator over a large zero-initialized static array.
 * The array is bigger than the medium code model's large-data threshold,
 * so under -mcmodel=medium it lands in .lbss. */
#include <stdio.h>
#include <stdlib.h>
#include "dsbench.h"

#define ARENA_SIZE (256 * 1024)

static unsigned char arena_mem[ARENA_SIZE] __attribute__((aligned(16)));
static size_t arena_top;
static size_t arena_peak;

/* a big table too: squares, filled lazily; also in large data */
long arena_squares[20000];

void *arena_alloc(size_t n)
{
    void *p;
    n = (n + 15) & ~(size_t)15;
    if (arena_top + n > ARENA_SIZE) {
        err("arena exhausted (%zu + %zu > %d)", arena_top, n, ARENA_SIZE);
        exit(4);
    }
    p = arena_mem + arena_top;
    arena_top += n;
    if (arena_top > arena_peak)
        arena_peak = arena_top;
    return p;
}

void arena_reset(void)
{
    arena_top = 0;
}

size_t arena_used(void)
{
    return arena_peak;
}

size_t arena_capacity(void)
{
    size_t i;
    if (arena_squares[19999] == 0)
        for (i = 0; i < 20000; i++)
            arena_squares[i] = (long)(i * i);
    return sizeof arena_mem;
}

__attribute__((constructor(101))) static void arena_ctor(void)
{
    out("[ctor 101] arena %d KiB\n", ARENA_SIZE / 1024);
}
