/* Calls a C library function pyjitlink's emulated libc lacks, only when asked to. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int main(int argc, char **argv) {
    printf("before\n");
    if (argc > 1 && strcmp(argv[argc - 1], "call") == 0) {
        struct utsname name;
        uname(&name);
        printf("sysname %s\n", name.sysname);
    }
    printf("after\n");
    return 0;
}
