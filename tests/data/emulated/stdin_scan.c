/* Reading standard input with scanf, then getchar to the end. */
#include <stdio.h>
#include <string.h>
int main(void) {
    int x, total = 0, count = 0;
    char word[32];
    while (scanf("%d", &x) == 1) { total += x; count++; }
    if (scanf("%31s", word) == 1) printf("stopped at word %s\n", word);
    int c;
    long rest = 0;
    while ((c = getchar()) != EOF) rest += c == '\n';
    printf("count=%d total=%d lines=%ld eof=%d\n", count, total, rest, feof(stdin));
    return 0;
}
