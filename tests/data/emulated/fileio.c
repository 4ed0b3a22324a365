/* stdio on a real file: write, append, read back with every reader, seek/tell, errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *path = argv[argc - 1];
    FILE *f = fopen(path, "w");
    if (!f) {
        perror("fopen");
        return 1;
    }
    fprintf(f, "line one %d\n", 1);
    fputs("line two\n", f);
    fputc('3', f);
    fputc('\n', f);
    fwrite("4 5 6.5 word\n", 1, 13, f);
    printf("tell after writing: %ld\n", ftell(f));
    fclose(f);
    f = fopen(path, "a");
    fprintf(f, "appended %s\n", "text");
    fclose(f);

    f = fopen(path, "r");
    char line[64];
    while (fgets(line, sizeof line, f))
        printf("got: %s", line);
    printf("eof=%d error=%d\n", feof(f), ferror(f));
    rewind(f);
    int first = fgetc(f);
    printf("after rewind: eof=%d tell=%ld first=%c\n", feof(f), ftell(f), first);
    ungetc('L', f);
    int again = fgetc(f);
    int next = fgetc(f);
    printf("ungetc: %c%c\n", again, next);
    fseek(f, -10, SEEK_END);
    char tail[16] = {0};
    size_t got = fread(tail, 1, sizeof tail - 1, f);
    long at = ftell(f);
    printf("tail %zu: [%s] tell=%ld\n", got, strtok(tail, "\n"), at);
    fseek(f, 0, SEEK_SET);
    int a, b;
    double c;
    char word[16];
    fgets(line, sizeof line, f);
    fgets(line, sizeof line, f);
    fgets(line, sizeof line, f);
    int items = fscanf(f, "%d %d %lf %15s", &a, &b, &c, word);
    printf("fscanf: %d -> %d %d %.2f %s\n", items, a, b, c, word);
    fseek(f, 5, SEEK_SET);
    int ch;
    int count = 0;
    while ((ch = getc(f)) != EOF)
        count++;
    printf("bytes after offset 5: %d\n", count);
    fclose(f);

    FILE *missing = fopen("/nonexistent/dir/file", "r");
    printf("missing: %p errno=%d %s\n", (void *)missing, errno, strerror(errno));
    errno = ENOENT;
    perror("perror says");
    printf("remove: %d\n", remove(path));
    int removed = remove(path);
    printf("remove again: %d errno=%d\n", removed, errno);
    return 0;
}
