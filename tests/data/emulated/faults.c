/* Ways for a program to die: a null dereference (with or without buffered output), an
   illegal instruction, an integer division trap (x86-64 only), runaway recursion, a bad
   pointer handed to strlen, abort, a failed assertion, a smashed stack (when built with
   -fstack-protector-strong), and a loop that never ends. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) int deref(int *p) { return *p + 1; }
__attribute__((noinline)) int divide(int a, int b) { return a / b; }
__attribute__((noinline)) int recurse(int n) {
    volatile char pad[256];
    pad[0] = (char)n;
    return recurse(n + 1) + pad[0];
}
__attribute__((noinline)) void illegal(void) {
#if defined(__aarch64__)
    __asm__ volatile(".inst 0x00000000");  /* udf #0 */
#else
    __asm__ volatile("ud2");
#endif
}
__attribute__((noinline)) void smash(const char *text, size_t n) {
    char buffer[8];
    memcpy(buffer, text, n);
    __asm__ volatile("" : : "r"(buffer) : "memory");
}
__attribute__((noinline)) unsigned long spin(unsigned long n) {
    volatile unsigned long i = 0;
    while (n == 0 || i < n)
        i++;
    return i;
}

int main(int argc, char **argv) {
    const char *what = argv[argc - 1];
    printf("doing %s\n", what);
    if (!strcmp(what, "lost"))  /* a crash loses what stdio still buffers */
        return deref(NULL);
    fflush(stdout);
    if (!strcmp(what, "null"))
        return deref(NULL);
    if (!strcmp(what, "divide"))
        return divide(argc, argc - argc);
    if (!strcmp(what, "ill"))
        illegal();
    if (!strcmp(what, "stack"))
        return recurse(0);
    if (!strcmp(what, "loop"))
        return (int)spin(0);
    if (!strcmp(what, "count"))
        return (int)(spin(50000000) & 0x7f);
    if (!strcmp(what, "strlen"))
        return (int)strlen((char *)(long)argc - argc);
    if (!strcmp(what, "abort"))
        abort();
    if (!strcmp(what, "assert"))
        assert(argc < 0);
    if (!strcmp(what, "smash"))
        smash("0123456789abcdefghijklmnopqrstuvwxyz0123456789", (size_t)argc * 20);
    return 0;
}
