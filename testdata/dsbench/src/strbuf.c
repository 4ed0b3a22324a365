/* strbuf.c - growable string builder using vsnprintf. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsbench.h"

unsigned long dsb_allocs;  /* tentative -> common */

void sb_init(struct strbuf *sb)
{
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
}

static void sb_reserve(struct strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    if (sb->cap == 0)
        sb->cap = 32;
    while (sb->cap < need)
        sb->cap *= 2;
    sb->data = realloc(sb->data, sb->cap);
    if (!sb->data) {
        err("strbuf: out of memory");
        exit(3);
    }
    dsb_allocs++;
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char small[64];
    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    sb_reserve(sb, (size_t)n);
    if ((size_t)n < sizeof small)
        memcpy(sb->data + sb->len, small, (size_t)n + 1);
    else
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

void sb_putc(struct strbuf *sb, char c)
{
    sb_reserve(sb, 1);
    sb->data[sb->len++] = c;
    sb->data[sb->len] = 0;
}

void sb_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->data)
        sb->data[0] = 0;
}

void sb_free(struct strbuf *sb)
{
    free(sb->data);
    sb_init(sb);
}

uint32_t sb_hash(const struct strbuf *sb)
{
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < sb->len; i++) {
        h ^= (unsigned char)sb->data[i];
        h *= 16777619u;
    }
    return h;
}
