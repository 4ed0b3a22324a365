/* The Darwin layer onto glibc (pyjitlink/executors/darwin/libc_layer.py): one program, built
 * for macOS (Mach-O, clang --target=arm64-apple-macos11 / x86_64-apple-macos11, no SDK: the
 * __APPLE__ branch declares what macOS's headers would) and for Linux (the oracle: gcc
 * -static, run natively or under qemu-aarch64). It reaches glibc through every kind of
 * shim: variadic calls with integers, doubles and strings mixed (more than the argument
 * registers hold), va_list functions, sscanf, stdout/stderr through __stdoutp/__stderrp,
 * errno through __error, sin+cos of one value (clang's ___sincos_stret at -O2), open with
 * Darwin's O_* flags (and, on arm64, its mode on the stack), and, with the argument
 * "assert", a failed assert (__assert_rtn).
 */
#ifdef __APPLE__
typedef struct __sFILE FILE;
typedef __SIZE_TYPE__ size_t;
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_end(ap) __builtin_va_end(ap)
extern FILE *__stdoutp, *__stderrp;
extern int *__error(void);
extern void __assert_rtn(const char *, const char *, int, const char *)
    __attribute__((noreturn));
int printf(const char *, ...);
int fprintf(FILE *, const char *, ...);
int sprintf(char *, const char *, ...);
int snprintf(char *, size_t, const char *, ...);
int sscanf(const char *, const char *, ...);
int vfprintf(FILE *, const char *, va_list);
int vsnprintf(char *, size_t, const char *, va_list);
int fputs(const char *, FILE *);
int fflush(FILE *);
int strcmp(const char *, const char *);
double strtod(const char *, char **);
double sin(double);
double cos(double);
float sinf(float);
float cosf(float);
FILE *fopen(const char *, const char *);
int open(const char *, int, ...);
int close(int);
long read(int, void *, size_t);
long write(int, const void *, size_t);
int unlink(const char *);
/* macOS's <sys/fcntl.h> */
#define O_RDONLY 0x0000
#define O_WRONLY 0x0001
#define O_APPEND 0x0008
#define O_CREAT 0x0200
#define O_TRUNC 0x0400
#define O_EXCL 0x0800
#define OUT __stdoutp
#define ERR __stderrp
#define ERRNO (*__error())
#define CHECK(e) ((e) ? (void)0 : __assert_rtn(__func__, "layer.c", __LINE__, #e))
#else
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define OUT stdout
#define ERR stderr
#define ERRNO errno
#define CHECK(e) ((e) ? (void)0 : __assert_fail(#e, "layer.c", __LINE__, __func__))
#endif

static void report(FILE *to, const char *format, ...) {
    char line[200];
    va_list ap;
    va_start(ap, format);
    vsnprintf(line, sizeof line, format, ap);
    va_end(ap);
    fputs(line, to);
    va_start(ap, format);
    vfprintf(to, format, ap);
    va_end(ap);
}

int main(int argc, char **argv) {
    double x = argc > 2 ? strtod(argv[2], 0) : 0.5;
    char buffer[256];
    /* 12 integers, 10 doubles and strings: more than x0-x7 and v0-v7 would hold. */
    printf("%s|%d|%f|%d|%c|%.3e|%ld|%s|%u|%x|%g|%lld\n", "str", 42, 2.5, -7, 'x', 1e10,
           -1234567890123L, "end", 4000000000u, 0xbeef, -0.1, 1LL << 40);
    printf("%d %.2f %d %.2f %d %.2f %d %.2f %d %.2f %d %.2f %d %.2f %d %.2f %d %.2f %d\n",
           1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10);
    int n = snprintf(buffer, sizeof buffer, "[%*d|%-*s|%.*f|%05ld]", 6, -42, 7, "ab", 3,
                     3.14159, 99L);
    fprintf(OUT, "snprintf: %s (%d)\n", buffer, n);
    sprintf(buffer, "%s-%d-%.1f", "sprintf", 7, 0.25);
    fprintf(OUT, "%s\n", buffer);
    int a = 0;
    double d = 0;
    char word[16];
    n = sscanf("12 3.75 words", "%d %lf %15s", &a, &d, word);
    printf("sscanf: %d %d %.2f %s\n", n, a, d, word);
    report(OUT, "report: %d %s %.3f\n", 5, "five", 5.0);
    /* sin and cos of one value: ___sincos_stret (and ___sincosf_stret) on Darwin at -O2. */
    printf("sincos(%g): %.9f %.9f\n", x, sin(x), cos(x));
    float f = (float)x * 2;
    printf("sincosf(%g): %.6f %.6f\n", f, sinf(f), cosf(f));
    ERRNO = 0;
    void *missing = fopen("/nonexistent/darwin-layer", "r");
    printf("fopen: %s, errno %d\n", missing ? "opened" : "failed", ERRNO);
    /* Darwin's O_* values: the layer's open translates them to Linux's. */
    const char *path = "darwin-layer.tmp";
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
    write(fd, "one ", 4);
    close(fd);
    fd = open(path, O_WRONLY | O_APPEND);
    write(fd, "two\n", 4);
    close(fd);
    int again = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    printf("O_EXCL: %d, errno %d\n", again, again < 0 ? ERRNO : 0);
    fd = open(path, O_RDONLY);
    n = (int)read(fd, buffer, sizeof buffer - 1);
    buffer[n > 0 ? n : 0] = 0;
    close(fd);
    printf("read %d: %s", n, buffer);
    unlink(path);
    fprintf(ERR, "to stderr: %d\n", 3);
    fflush(OUT);
    if (argc > 1 && strcmp(argv[1], "assert") == 0)
        CHECK(argc == 1);
    return 0;
}
