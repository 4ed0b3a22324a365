/* logmsg.c - varargs logging and allocation helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "textstat.h"

long ts_alloc_count;   /* tentative -> common */

struct level_info {
    const char *name;
    const char *prefix;
    FILE **stream;
};

/* Static data holding pointers to data (strings and the stdio stream
 * variables themselves). */
static struct level_info levels[] = {
    {"info", "textstat: ", &stdout},
    {"warn", "textstat: warning: ", &stderr},
    {"error", "textstat: error: ", &stderr},
};

static int messages_logged;

void ts_vlog(const char *level, const char *fmt, va_list ap)
{
    size_t i;
    for (i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        if (strcmp(levels[i].name, level) == 0) {
            FILE *f = *levels[i].stream;
            fputs(levels[i].prefix, f);
            vfprintf(f, fmt, ap);
            fputc('\n', f);
            messages_logged++;
            return;
        }
    }
    fprintf(stderr, "textstat: [%s] ", level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void ts_log(const char *level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_vlog(level, fmt, ap);
    va_end(ap);
}

int ts_bprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int ts_messages_logged(void)
{
    return messages_logged;
}

void *ts_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        ts_log("error", "out of memory (%zu bytes)", n);
        exit(3);
    }
    ts_alloc_count++;
    return p;
}

char *ts_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = ts_xmalloc(n);
    memcpy(d, s, n);
    return d;
}
