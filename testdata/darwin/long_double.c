/* long double through the Darwin layer's printf and scanf families (pyjitlink/executors/
 * darwin/libc_layer.py, ARM64_LDBL and arm64_sscanf_shim): on Darwin arm64 long double is
 * a double, on glibc's AArch64 a 128-bit quad, so each %Lf/%Le/%Lg/%La must reach glibc's
 * engines as a double (printf reads 8 bytes, scanf stores 8). Built for macOS by clang
 * (no SDK: the __APPLE__ branch declares what macOS's headers would) and, as the oracle,
 * for Linux by gcc -static (x86-64 natively, AArch64 under qemu-aarch64), where long double
 * is the platform's own: the printed text is the same, since every value is exact in a
 * double. The argument "stdin" also reads "%Lf %d" from standard input with scanf. */
#ifdef __APPLE__
typedef struct __sFILE FILE;
typedef __SIZE_TYPE__ size_t;
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_end(ap) __builtin_va_end(ap)
extern FILE *__stdoutp;
#define stdout __stdoutp
int printf(const char *, ...);
int fprintf(FILE *, const char *, ...);
int sprintf(char *, const char *, ...);
int snprintf(char *, size_t, const char *, ...);
int dprintf(int, const char *, ...);
int asprintf(char **, const char *, ...);
int vsnprintf(char *, size_t, const char *, va_list);
int vprintf(const char *, va_list);
int sscanf(const char *, const char *, ...);
int vsscanf(const char *, const char *, va_list);
int scanf(const char *, ...);
int fflush(FILE *);
void free(void *);
int strcmp(const char *, const char *);
#else
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#endif

static void both(const char *format, ...) {
    char line[160];
    va_list ap;
    va_start(ap, format);
    vsnprintf(line, sizeof line, format, ap);
    va_end(ap);
    printf("vsnprintf: %s", line);
    va_start(ap, format);
    vprintf(format, ap);
    va_end(ap);
}

static int parse(const char *text, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    int got = vsscanf(text, format, ap);
    va_end(ap);
    return got;
}

int main(int argc, char **argv) {
    long double a = 3.25L, b = -1234.5L, c = 0.125L;
    char buf[120], *made = 0;
    /* long doubles mixed with ints, doubles and strings, beyond the argument registers */
    printf("printf: %Lf %d %.3Le %s %Lg %f %LG %d %Lf\n", a, 7, b, "s", c, 2.5, a, -3, b);
    fprintf(stdout, "fprintf: %10.2Lf|%-10.1Lf|\n", a, b);
    sprintf(buf, "%Lf/%Lf", c, a);
    printf("sprintf: %s\n", buf);
    snprintf(buf, 12, "%Lf %Lf", b, a);
    printf("snprintf: %s\n", buf);
    asprintf(&made, "%.1Lf and %i", a, 9);
    printf("asprintf: %s\n", made);
    free(made);
    fflush(stdout);
    dprintf(1, "dprintf: %Le\n", c);
    both("%Lf %s %Lf %d\n", a, "mid", b, 4);
    long double x = 0, y = 0, z = 0;
    double d = 0;
    int n = 0;
    int got = sscanf("2.5 -1e3 42 0x1p-3", "%Lf %lf %d %La", &x, &d, &n, &y);
    printf("sscanf: %d: %Lf %f %d %Lf\n", got, x, d, n, y);
    got = parse("6.75,8", "%Lf,%d", &z, &n);
    printf("vsscanf: %d: %Lf %d\n", got, z, n);
    if (argc > 1 && !strcmp(argv[1], "stdin")) {
        got = scanf("%Lf %d", &x, &n);
        printf("scanf: %d: %.3Lf %d\n", got, x, n);
    }
    return 0;
}
