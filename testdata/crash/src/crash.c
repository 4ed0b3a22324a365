/* crash: a -g -O0 program that goes wrong on request, two calls below main, for
 * pyjitlink's fault reports, debugger registration and profiler maps.
 *
 *   crash [segv]   store through a NULL pointer in store(), called by middle(), called
 *                  by main: SIGSEGV at the line marked FAULT below
 *   crash abort    abort() from check(), called by middle(): SIGABRT
 *   crash fpe      integer division by zero in divide() (x86-64 only: AArch64's udiv
 *                  returns 0 instead of trapping)
 *   crash spin     loop for ever in spin() (for -timeout)
 *   crash ok       the same calls with a valid pointer: prints "ok 42", exits 0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile int sink;

void store(int *where, int value)
{
    *where = value; /* FAULT: the NULL store */
}

void check(int value)
{
    if (value != 0)
        abort();
}

int divide(int value, int by)
{
    return value / by;
}

void spin(void)
{
    for (;;)
        sink++;
}

int middle(const char *mode, int *where, int value)
{
    if (strcmp(mode, "abort") == 0)
        check(value);
    if (strcmp(mode, "fpe") == 0)
        return divide(value, sink);
    if (strcmp(mode, "spin") == 0)
        spin();
    store(where, value * 2);
    return value;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "segv";
    int result = 0;
    printf("crash: %s\n", mode);
    fflush(stdout);
    middle(mode, strcmp(mode, "ok") == 0 ? &result : NULL, 21);
    printf("ok %d\n", result);
    return 0;
}
