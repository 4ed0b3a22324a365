/* Exit order: constructors, main, atexit handlers (last registered first), destructors;
   exit() from a nested call with a status. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((constructor(101))) static void first(void) { puts("constructor 101"); }
__attribute__((constructor)) static void later(void) { puts("constructor"); }
__attribute__((destructor)) static void gone(void) { puts("destructor"); }
static void handler_a(void) { puts("atexit a"); }
static void handler_b(void) { puts("atexit b"); fflush(stdout); }
static void leave(int code) {
    if (code)
        exit(code);
}

int main(int argc, char **argv) {
    atexit(handler_a);
    atexit(handler_b);
    printf("main with %d args\n", argc);
    fprintf(stderr, "stderr in main\n");
    leave(argc > 1 ? atoi(argv[argc - 1]) : 0);
    return 5;
}
