/* String, ctype, conversion, scanf, rand, getopt, environment and libm functions; the
   oracle is the same program built by gcc against glibc. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static void strings(void) {
    char buf[64] = "hello, world";
    char tok[] = "  alpha, beta;gamma  delta,";
    printf("strlen=%zu strchr=%s strrchr=%s strstr=%s\n", strlen(buf), strchr(buf, 'o'),
           strrchr(buf, 'o'), strstr(buf, "wor"));
    printf("strcmp=%d %d %d strncmp=%d strcasecmp=%d strncasecmp=%d\n",
           strcmp("abc", "abd") < 0, strcmp("b", "a") > 0, strcmp("x", "x"),
           strncmp("abcdef", "abcxyz", 3), strcasecmp("HeLLo", "hello"),
           strncasecmp("ABCdef", "abcXYZ", 3));
    printf("spn=%zu cspn=%zu pbrk=%s\n", strspn("aaabbbccc", "ab"), strcspn("hello", "lo"),
           strpbrk("hello", "lo"));
    for (char *t = strtok(tok, " ,;"); t; t = strtok(NULL, " ,;"))
        printf("[%s]", t);
    printf("\n");
    char dst[32];
    strncpy(dst, "abc", sizeof dst);
    strncat(dst, "defghij", 3);
    printf("strncpy/strncat: %s memcmp=%d memchr=%s\n", dst, memcmp("abc", "abd", 3) < 0,
           (char *)memchr(buf, 'w', strlen(buf)));
    memmove(buf + 2, buf, 5);
    printf("memmove: %s\n", buf);
    memset(buf, '*', 3);
    printf("memset: %s strerror: %s\n", buf, strerror(ERANGE));
}

static void ctypes(void) {
    int classes[12] = {0};
    for (int c = -1; c < 256; c++) {
        classes[0] += !!isalpha(c);
        classes[1] += !!isdigit(c);
        classes[2] += !!isalnum(c);
        classes[3] += !!isspace(c);
        classes[4] += !!isupper(c);
        classes[5] += !!islower(c);
        classes[6] += !!ispunct(c);
        classes[7] += !!isprint(c);
        classes[8] += !!isxdigit(c);
        classes[9] += !!iscntrl(c);
        classes[10] += !!isgraph(c);
        classes[11] += tolower(c) + toupper(c);
    }
    printf("ctype:");
    for (int i = 0; i < 12; i++)
        printf(" %d", classes[i]);
    printf("\n");
}

static void conversions(void) {
    const char *numbers[] = {"42", "-17", "  +9x", "0x1F", "0777", "12abc", "abc",
                             "9223372036854775807", "9223372036854775808", "-1"};
    for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++) {
        char *end;
        errno = 0;
        long v = strtol(numbers[i], &end, 0);
        int e = errno;
        errno = 0;
        unsigned long u = strtoul(numbers[i], NULL, 10);
        int ue = errno;
        printf("strtol(%s)=%ld rest=[%s] errno=%d strtoul=%lu errno=%d atoi=%d\n", numbers[i],
               v, end, e, u, ue, atoi(numbers[i]));
    }
    const char *reals[] = {"3.25", "-1e3xyz", "  .5", "1e400", "1e-400", "inf", "-Infinity",
                           "nan", "0x1.8p3", "junk", "4e-320"};
    for (size_t i = 0; i < sizeof reals / sizeof *reals; i++) {
        char *end;
        errno = 0;
        double d = strtod(reals[i], &end);
        printf("strtod(%s)=%g rest=[%s] errno=%d atof=%g\n", reals[i], d, end, errno,
               atof(reals[i]));
    }
    printf("strtol base 2: %ld base 36: %ld\n", strtol("1011", NULL, 2),
           strtol("zz", NULL, 36));
    printf("abs: %d %ld %lld\n", abs(-5), labs(-6L), llabs(-7LL));
}

static void scanning(void) {
    int a = 0, b = 0, n = 0;
    unsigned x = 0;
    double d = 0;
    float f = 0;
    char word[16] = "", set[16] = "", c = 0;
    int r = sscanf("  12 -34 ff 2.5 1e2 hello [abc]z", "%d %i %x %lf %f %15s [%15[a-z]]%c%n",
                   &a, &b, &x, &d, &f, word, set, &c, &n);
    printf("sscanf=%d a=%d b=%d x=%u d=%g f=%g word=%s set=%s c=%c n=%d\n", r, a, b, x, d,
           (double)f, word, set, c, n);
    r = sscanf("abc", "%d", &a);
    printf("mismatch=%d\n", r);
    r = sscanf("", "%d", &a);
    printf("empty=%d\n", r);
    r = sscanf("7:8", "%d:%d", &a, &b);
    printf("colon=%d %d %d\n", r, a, b);
    long long big = 0;
    short s = 0;
    unsigned char hh = 0;
    r = sscanf("123456789012 -5 300", "%lld %hd %hhu", &big, &s, &hh);
    printf("sizes=%d %lld %d %d\n", r, big, s, hh);
    r = sscanf("0x1A 017 42", "%i %i %*d", &a, &b);
    printf("prefixes=%d %d %d\n", r, a, b);
    char line[32];
    r = sscanf("key = value with spaces", "%*s = %31[^\n]", line);
    printf("rest=%d [%s]\n", r, line);
}

static void randomness(void) {
    srand(42);
    printf("rand:");
    for (int i = 0; i < 5; i++)
        printf(" %d", rand());
    srand(1);
    int first = rand();
    srand(1);
    printf(" same=%d\n", first == rand());
}

static void options(int argc, char **argv) {
    int opt;
    optind = 1;
    while ((opt = getopt(argc, argv, "ab:c::")) != -1) {
        if (opt == '?')
            printf("opt ? (optopt %c)\n", optopt);
        else
            printf("opt %c arg %s\n", opt, optarg ? optarg : "(none)");
    }
    printf("optind=%d rest:", optind);
    for (int i = optind; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
}

static void maths(void) {
    double xs[] = {0.5, 1.0, 2.0, 10.0, -3.7};
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
        double x = xs[i];
        printf("x=%g sqrt=%.10g exp=%.10g log=%.10g sin=%.10g cos=%.10g atan=%.10g "
               "floor=%g ceil=%g round=%g trunc=%g fabs=%g pow=%.10g fmod=%g\n", x,
               sqrt(fabs(x)), exp(x), log(fabs(x)), sin(x), cos(x), atan(x), floor(x), ceil(x),
               round(x), trunc(x), fabs(x), pow(fabs(x), 1.5), fmod(x, 0.75));
    }
    int e;
    double m = frexp(48.0, &e);
    double ip;
    double fp = modf(-2.75, &ip);
    printf("frexp=%g,%d ldexp=%g modf=%g,%g hypot=%g atan2=%.10g cbrt=%g log10=%g log2=%g\n",
           m, e, ldexp(0.75, 4), fp, ip, hypot(3, 4), atan2(1, -1), cbrt(27.0), log10(1000.0),
           log2(8.0));
    printf("isnan=%d isinf=%d fmin=%g fmax=%g copysign=%g\n", isnan(NAN), isinf(-INFINITY),
           fmin(2, 3), fmax(2, 3), copysign(3, -1));
    printf("float: %g %g %g\n", (double)sqrtf(2.0f), (double)sinf(1.0f), (double)powf(2.0f, 0.5f));
}

int main(int argc, char **argv) {
    strings();
    ctypes();
    conversions();
    scanning();
    randomness();
    options(argc, argv);
    maths();
    const char *home = getenv("PYJITLINK_TEST_VAR");
    printf("env: %s %s\n", home ? home : "(unset)", getenv("NO_SUCH_VARIABLE_HERE") ? "set"
                                                                                      : "unset");
    return 0;
}
