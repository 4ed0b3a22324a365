/* Loads and stores against register-only work, for bench/README.md ("The remaining gap"):
   access_loop N 1: 16 loads and 16 stores per iteration; access_loop N 0: 16 blocks of
   seven register-only instructions per iteration. Prints a checksum. */
#include <stdio.h>
#include <stdlib.h>
static long a[1024];
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000, s = 0;
    int mem = argc > 2 ? atoi(argv[2]) : 1;
    for (long i = 0; i < n; i++) {
        if (mem) {
            for (int j = 0; j < 64; j += 4) {  /* 8 loads + 8 stores */
                long *p = (long *)((volatile long *)a + ((i + j) & 1023));
                __asm__ volatile("" : "+r"(p));
                s += *(volatile long *)p; *(volatile long *)(p + 1) = s;
            }
        } else {
            for (int j = 0; j < 64; j += 4) {
                __asm__ volatile("" : "+r"(s));
                s += (i ^ j) * 3;
                __asm__ volatile("" : "+r"(s));
                s ^= s >> 3;
            }
        }
    }
    printf("%ld\n", s);
    return 0;
}
