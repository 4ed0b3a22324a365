/* setjmp/longjmp: across frames, value 0 becomes 1, repeated jumps, nested buffers. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf outer, inner;
static int depth;

static void dive(int level, int value) {
    depth = level;
    if (level == 5)
        longjmp(outer, value);
    dive(level + 1, value);
}

static int nested(void) {
    volatile int tries = 0;
    if (setjmp(inner) < 3) {
        tries++;
        longjmp(inner, tries + 1);
    }
    return tries;
}

int main(void) {
    volatile int round = 0;
    volatile double kept = 1.5;
    int value = setjmp(outer);
    printf("setjmp returned %d (round %d, depth %d, kept %.1f)\n", value, round, depth, kept);
    if (round < 3) {
        round++;
        kept *= 2;
        dive(0, round == 2 ? 0 : round * 10);
    }
    printf("nested tries: %d\n", nested());
    return 0;
}
