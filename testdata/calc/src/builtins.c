/* builtins.c - libm-backed builtin functions, held in a static table of
 * function pointers and strings. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "calc.h"

int calc_stat_calls;   /* tentative definition -> common */

static double b_abs(double x) { return x < 0 ? -x : x; }
static double b_sign(double x) { return (x > 0) - (x < 0); }
static double b_min(double a, double b) { return a < b ? a : b; }
static double b_max(double a, double b) { return a > b ? a : b; }
static double b_hypot(double a, double b) { return sqrt(a * a + b * b); }
static double b_round(double x) { return floor(x + 0.5); }

static double fact(double n)
{
    double r = 1;
    while (n > 1) {
        r *= n;
        n -= 1;
    }
    return r;
}

/* Pointers to libm functions and to our own static functions, plus string
 * pointers: this table lives in (relocated) initialized data. */
const struct builtin calc_builtins[] = {
    {"sin", 1, sin, NULL, "sine (radians)"},
    {"cos", 1, cos, NULL, "cosine (radians)"},
    {"tan", 1, tan, NULL, "tangent (radians)"},
    {"atan", 1, atan, NULL, "arc tangent"},
    {"sqrt", 1, sqrt, NULL, "square root"},
    {"exp", 1, exp, NULL, "e to the x"},
    {"log", 1, log, NULL, "natural logarithm"},
    {"floor", 1, floor, NULL, "round down"},
    {"ceil", 1, ceil, NULL, "round up"},
    {"abs", 1, b_abs, NULL, "absolute value"},
    {"sign", 1, b_sign, NULL, "sign of x"},
    {"round", 1, b_round, NULL, "round half up"},
    {"fact", 1, fact, NULL, "factorial"},
    {"pow", 2, NULL, pow, "x to the y"},
    {"fmod", 2, NULL, fmod, "floating remainder"},
    {"atan2", 2, NULL, atan2, "arc tangent of y/x"},
    {"min", 2, NULL, b_min, "minimum"},
    {"max", 2, NULL, b_max, "maximum"},
    {"hypot", 2, NULL, b_hypot, "hypotenuse"},
};
const int calc_nbuiltins = sizeof calc_builtins / sizeof calc_builtins[0];

const struct builtin *find_builtin(const char *name)
{
    int i;
    for (i = 0; i < calc_nbuiltins; i++)
        if (strcmp(calc_builtins[i].name, name) == 0)
            return &calc_builtins[i];
    return NULL;
}

/* Strong definition overriding the weak one in main.c. */
const char *calc_banner(void)
{
    return "calc 1.0 (builtins.c banner)";
}

void builtins_list(FILE *out)
{
    int i;
    for (i = 0; i < calc_nbuiltins; i++)
        fprintf(out, "  %-6s/%d  %s\n", calc_builtins[i].name, calc_builtins[i].arity,
                calc_builtins[i].doc);
}
