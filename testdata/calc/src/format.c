/* format.c - the printf statement: walks a user format string and formats
 * one double at a time with snprintf. */
#include <stdio.h>
#include <string.h>
#include "calc.h"

static char outbuf[4096];
static size_t outlen;

static void emit(const char *s, size_t n)
{
    if (outlen + n >= sizeof outbuf) {
        fwrite(outbuf, 1, outlen, stdout);
        outlen = 0;
    }
    memcpy(outbuf + outlen, s, n);
    outlen += n;
}

static void flush_out(void)
{
    fwrite(outbuf, 1, outlen, stdout);
    outlen = 0;
}

void do_printf(const char *fmt, const double *vals, int nvals, int line)
{
    int used = 0;
    const char *p = fmt;
    char spec[32], tmp[512];
    while (*p) {
        const char *start = p;
        size_t n;
        int len;
        if (*p != '%') {
            while (*p && *p != '%')
                p++;
            emit(start, (size_t)(p - start));
            continue;
        }
        if (p[1] == '%') {
            emit("%", 1);
            p += 2;
            continue;
        }
        p++;
        while (*p && strchr("-+ #0", *p))
            p++;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '.') {
            p++;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        n = (size_t)(p - start) + 1;
        if (n >= sizeof spec - 2)
            diag_error(line, "format specifier too long");
        switch (*p) {
        case 'f': case 'g': case 'e': case 'G': case 'E':
            memcpy(spec, start, n);
            spec[n] = 0;
            if (used >= nvals)
                diag_error(line, "printf: not enough arguments for format");
            len = snprintf(tmp, sizeof tmp, spec, vals[used++]);
            break;
        case 'd': case 'i': case 'x': case 'o':
            memcpy(spec, start, n - 1);
            spec[n - 1] = 'l';
            spec[n] = *p;
            spec[n + 1] = 0;
            if (used >= nvals)
                diag_error(line, "printf: not enough arguments for format");
            len = snprintf(tmp, sizeof tmp, spec, (long)vals[used++]);
            break;
        default:
            diag_error(line, "printf: unsupported conversion '%c'", *p ? *p : '?');
        }
        p++;
        if (len < 0)
            len = 0;
        if ((size_t)len >= sizeof tmp)
            len = (int)sizeof tmp - 1;
        emit(tmp, (size_t)len);
    }
    if (used != nvals)
        diag_warn(line, "printf: %d unused argument%s", nvals - used,
                  nvals - used == 1 ? "" : "s");
    flush_out();
}
