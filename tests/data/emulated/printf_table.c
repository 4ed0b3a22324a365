/* printf formatting across a table of conversions, flags, widths, precisions and length
   modifiers; the oracle is the same program built by gcc against glibc. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile double zero = 0.0;

int main(void) {
    int n = 0;
    char buf[64];
    static const int ints[] = {0, 1, -1, 7, 42, -42, 255, 1000000, INT_MAX, INT_MIN};
    static const char *int_formats[] = {
        "%d", "%i", "%u", "%x", "%X", "%o", "%5d", "%-5d|", "%05d", "%+d", "% d", "%+05d",
        "% 05d", "%-+8d|", "%.3d", "%.0d", "%8.3d", "%-8.3d|", "%#x", "%#X", "%#o", "%#.0o",
        "%#8x", "%#08x", "%-#8o|", "%hhd", "%hd", "%hhu", "%hx", "%c|",
    };
    for (size_t f = 0; f < sizeof int_formats / sizeof *int_formats; f++) {
        printf("%-8s:", int_formats[f]);
        for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
            if (int_formats[f][strlen(int_formats[f]) - 2] == 'c' && (ints[i] < 32 ||
                                                                     ints[i] > 126))
                continue;
            putchar(' ');
            printf(int_formats[f], ints[i]);
        }
        putchar('\n');
    }
    printf("long: %ld %lu %lx %lo %li\n", LONG_MIN, (unsigned long)-1, LONG_MAX, 8L, -5L);
    printf("long long: %lld %llu %llx %#llX\n", LLONG_MIN, ULLONG_MAX, 0x123456789abcdefLL,
           0xfedcba987654321ULL);
    printf("sizes: %zu %zd %jd %ju %td %zx\n", (size_t)12345, (ptrdiff_t)-7, (intmax_t)-99,
           (uintmax_t)99, (ptrdiff_t)-3, (size_t)0xabc);
    printf("stars: [%*d] [%-*d] [%*d] [%.*d] [%*.*d] [%.*f]\n", 6, 42, 6, 42, -6, 42, 4, 7,
           8, 5, 3, 3, 3.14159);
    printf("strings: [%s] [%10s] [%-10s] [%.2s] [%10.3s] [%-10.1s] [%s] [%.3s]\n", "hello",
           "hi", "hi", "hello", "hello", "hello", "", (char *)0);
    printf("chars: [%c] [%3c] [%-3c] [%%] [%5%]\n", 'x', 'y', 'z');
    printf("pointers: [%p] [%10p] [%-10p]\n", (void *)0, (void *)0, (void *)0);
    printf("positional: %2$s %1$d %2$s %3$.2f\n", 7, "seven", 7.0);

    static const double doubles[] = {0.0, -0.0, 1.0, -1.5, 0.5, 2.5, 3.14159265358979,
                                      1e-5, 123456.789, 1e10, 1e100, 1e-300, 6.02214076e23,
                                      0.1, 100000.0, 1234567.0, 9.9999996, DBL_MAX, DBL_MIN,
                                      5e-324};
    static const char *double_formats[] = {
        "%f", "%.0f", "%.1f", "%.10f", "%10.3f", "%-10.2f|", "%+f", "% f", "%010.2f",
        "%#.0f", "%e", "%.0e", "%.3e", "%E", "%12.4e", "%#.0e", "%g", "%.0g", "%.3g",
        "%.10g", "%G", "%#g", "%#.3g", "%-12g|", "%+g", "%012g", "%a", "%A", "%.2a",
        "%.0a", "%#a", "%15a", "%-15.3a|",
    };
    for (size_t f = 0; f < sizeof double_formats / sizeof *double_formats; f++) {
        printf("%-8s:", double_formats[f]);
        for (size_t i = 0; i < sizeof doubles / sizeof *doubles; i++) {
            if (strchr(double_formats[f], 'f') && fabs(doubles[i]) > 1e30)
                continue;
            putchar(' ');
            printf(double_formats[f], doubles[i]);
        }
        putchar('\n');
    }
    printf("specials: [%f] [%F] [%e] [%g] [%5.1f] [%-6f] [%+f] [%010f] [%a]\n", INFINITY,
           -INFINITY, NAN, -NAN, INFINITY, NAN, INFINITY, -INFINITY, NAN);
    printf("zero division: %g %g\n", 1.0 / zero, -1.0 / zero);
    printf("float promoted: %f %g %e\n", 1.1f, 3.3f, 1e-3f);
    /* Values a double holds exactly print alike from x87 and binary128 long doubles. */
    printf("long double: %Lf %.3Le %Lg %10.2Lf\n", 1.5L, -2.25L, 1e10L, 0.75L);
    printf("rounding: %.0f %.0f %.0f %.0f %.1f %.2f %.3g\n", 0.5, 1.5, 2.5, -0.5, 0.25, 1.005,
           2.675);
    printf("precise: %.20f %.17g %.25e\n", 0.1, 1.0 / 3, 2.0 / 3);
    printf("count%n", &n);
    printf(" -> %d\n", n);
    int r = snprintf(buf, 8, "%s-%d", "truncated", 12345);
    printf("snprintf: %d [%s]\n", r, buf);
    r = snprintf(NULL, 0, "%d%s", 100, "abc");
    printf("snprintf(NULL): %d\n", r);
    r = sprintf(buf, "%08.3f|%x", -3.5, 48879);
    printf("sprintf: %d [%s]\n", r, buf);
    r = printf("%s", "");
    printf("printf(\"\"): %d\n", r);
    r = printf("%d%%\n", 50);
    printf("returned %d\n", r);
    return 0;
}
