/* diag.c - varargs diagnostics and allocation helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calc.h"

static const char *const severity_names[] = {"note", "warning", "error"};
static int nwarnings;
int calc_stat_nodes;   /* tentative definition -> common */

static void vreport(int sev, int line, const char *fmt, va_list ap)
{
    if (line > 0)
        fprintf(stderr, "calc: line %d: %s: ", line, severity_names[sev]);
    else
        fprintf(stderr, "calc: %s: ", severity_names[sev]);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void diag_error(int line, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    va_start(ap, fmt);
    vreport(2, line, fmt, ap);
    va_end(ap);
    exit(2);
}

void diag_warn(int line, const char *fmt, ...)
{
    va_list ap;
    nwarnings++;
    va_start(ap, fmt);
    vreport(1, line, fmt, ap);
    va_end(ap);
}

void diag_vnote(const char *fmt, va_list ap)
{
    char buf[256];
    va_list copy;
    int n;
    va_copy(copy, ap);
    n = vsnprintf(buf, sizeof buf, fmt, copy);
    va_end(copy);
    if (n >= (int)sizeof buf) {
        /* too long for the buffer: fall back to streaming */
        vreport(0, 0, fmt, ap);
        return;
    }
    fprintf(stderr, "calc: note: %s\n", buf);
}

void diag_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vnote(fmt, ap);
    va_end(ap);
}

int diag_warning_count(void)
{
    return nwarnings;
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("calc: out of memory\n", stderr);
        exit(3);
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("calc: out of memory\n", stderr);
        exit(3);
    }
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = xmalloc(n);
    memcpy(d, s, n);
    return d;
}
