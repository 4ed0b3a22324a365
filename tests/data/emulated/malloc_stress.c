/* malloc/calloc/realloc/free under a pseudo-random workload; every block carries a pattern
   that is checked before it is freed or resized. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512
static unsigned char *block[SLOTS];
static size_t size[SLOTS];
static unsigned state = 2463534242u;

static unsigned next(void) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}
static void fill(int i) {
    for (size_t k = 0; k < size[i]; k++)
        block[i][k] = (unsigned char)(i * 31 + k);
}
static int check(int i, size_t n) {
    for (size_t k = 0; k < n; k++)
        if (block[i][k] != (unsigned char)(i * 31 + k))
            return 0;
    return 1;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[argc - 1]) : 20000;
    unsigned long total = 0, bad = 0;
    for (int r = 0; r < rounds; r++) {
        int i = next() % SLOTS;
        unsigned op = next() % 8;
        if (block[i] && op < 3) {
            bad += !check(i, size[i]);
            free(block[i]);
            block[i] = 0;
        } else if (block[i] && op < 5) {
            size_t n = next() % (op == 3 ? 64 : 9000) + 1;
            size_t keep = n < size[i] ? n : size[i];
            unsigned char *p = realloc(block[i], n);
            if (!p)
                return 2;
            block[i] = p;
            bad += !check(i, keep);
            size[i] = n;
            fill(i);
        } else if (!block[i]) {
            size[i] = next() % (op & 1 ? 100 : 20000) + 1;
            if (op == 7) {
                block[i] = calloc(size[i], 1);
                for (size_t k = 0; k < size[i]; k++)
                    bad += block[i][k] != 0;
            } else {
                block[i] = malloc(size[i]);
            }
            if (!block[i])
                return 3;
            fill(i);
            total += size[i];
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (block[i])
            bad += !check(i, size[i]);
        free(block[i]);
    }
    char *s = strdup("duplicate me");
    char *t = strndup(s, 9);
    printf("rounds=%d allocated=%lu bad=%lu %s|%s\n", rounds, total, bad, s, t);
    free(s);
    free(t);
    free(NULL);
    return bad != 0;
}
