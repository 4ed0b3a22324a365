/* qsort and bsearch with comparators in emulated code (nested emulation): ints, stable ties,
   strings through strcmp (a host call inside the callback), a comparator that prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item { int key; int order; };
static int calls;

static int by_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    calls++;
    return (x > y) - (x < y);
}
static int by_key(const void *a, const void *b) {
    return ((const struct item *)a)->key - ((const struct item *)b)->key;
}
static int by_string(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}
static int by_length_noisy(const void *a, const void *b) {
    size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
    if (x == y)
        printf("  tie %s/%s\n", *(char *const *)a, *(char *const *)b);
    return (int)x - (int)y;
}

int main(void) {
    int v[200];
    unsigned seed = 12345;
    for (int i = 0; i < 200; i++) {
        seed = seed * 1103515245 + 12345;
        v[i] = (int)(seed >> 16) % 1000;
    }
    qsort(v, 200, sizeof v[0], by_int);
    int sorted = 1;
    for (int i = 1; i < 200; i++)
        sorted &= v[i - 1] <= v[i];
    printf("ints sorted=%d first=%d last=%d compared=%s\n", sorted, v[0], v[199],
           calls > 0 ? "yes" : "no");
    for (int probe = 0; probe < 1000; probe += 97) {
        int *hit = bsearch(&probe, v, 200, sizeof v[0], by_int);
        printf("bsearch %d: %s\n", probe, hit ? "found" : "missing");
    }
    struct item items[12];
    for (int i = 0; i < 12; i++) {
        items[i].key = (i * 7) % 4;
        items[i].order = i;
    }
    qsort(items, 12, sizeof items[0], by_key);
    printf("stable:");
    for (int i = 0; i < 12; i++)
        printf(" %d.%d", items[i].key, items[i].order);
    printf("\n");
    char *words[] = {"pear", "apple", "fig", "banana", "kiwi", "cherry", "date", "plum"};
    size_t nwords = sizeof words / sizeof *words;
    qsort(words, nwords, sizeof *words, by_string);
    for (size_t i = 0; i < nwords; i++)
        printf("%s%s", words[i], i + 1 < nwords ? " " : "\n");
    char *key = "kiwi";
    char **found = bsearch(&key, words, nwords, sizeof *words, by_string);
    printf("kiwi at %td\n", found ? found - words : -1);
    qsort(words, nwords, sizeof *words, by_length_noisy);
    for (size_t i = 0; i < nwords; i++)
        printf("%s%s", words[i], i + 1 < nwords ? " " : "\n");
    return 0;
}
