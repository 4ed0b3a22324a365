/* References a function and a variable that no object and no C library defines: under
 * emulation, as natively, the link fails with "Symbols not found". */
#include <stdio.h>

extern int no_such_variable;
int no_such_function(void);

int main(int argc, char **argv) {
    if (argc > 5)
        return no_such_function();
    printf("%p\n", (void *)&no_such_variable);
    return 0;
}
