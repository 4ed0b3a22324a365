/* A weak undefined function and variable stay NULL when nothing defines them. */
#include <stdio.h>

extern void optional_hook(void) __attribute__((weak));
extern int optional_setting __attribute__((weak));

int main(void) {
    if (optional_hook)
        optional_hook();
    else
        puts("no hook");
    printf("setting %s\n", &optional_setting ? "defined" : "absent");
    return 0;
}
