/* A program for the target's own C library (pyjitlink -libc=target): files and stat,
 * directories, environment, locale, stdin with scanf, drand48, large allocations, stderr
 * and an exit status. Run it in an empty directory with a line of numbers on stdin. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int compare(const void *a, const void *b) {
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    return strcmp(x, y);
}

int main(int argc, char **argv) {
    printf("locale: %s\n", setlocale(LC_ALL, "C") ? "C" : "none");
    printf("argc=%d argv[1]=%s\n", argc, argc > 1 ? argv[1] : "(none)");

    /* Files: write with stdio, stat it, read it back with open/read/lseek. */
    FILE *f = fopen("notes.txt", "w");
    if (!f) { perror("fopen"); return 1; }
    for (int i = 0; i < 100; i++)
        fprintf(f, "line %03d %g\n", i, i / 8.0);
    fclose(f);
    struct stat st;
    if (stat("notes.txt", &st) != 0) { perror("stat"); return 1; }
    printf("notes.txt: %lld bytes, regular=%d, mode=%o\n", (long long)st.st_size,
           S_ISREG(st.st_mode), (unsigned)(st.st_mode & 0777) & 0600);
    int fd = open("notes.txt", O_RDONLY);
    char buf[32] = {0};
    lseek(fd, 9 * 14, SEEK_SET);
    ssize_t got = read(fd, buf, 13);
    struct stat fst;
    fstat(fd, &fst);
    printf("read %zd: '%.13s', fstat size matches: %d\n", got, buf, fst.st_size == st.st_size);
    close(fd);
    printf("access(notes.txt, R_OK)=%d access(missing, F_OK)=%d errno=%s\n",
           access("notes.txt", R_OK), access("missing", F_OK), strerror(errno));
    if (fopen("no/such/file", "r") == NULL)
        fprintf(stderr, "fopen no/such/file: %s\n", strerror(errno));
    mkdir("sub", 0755);
    FILE *g = fopen("sub/b.txt", "w");
    fputs("b\n", g);
    fclose(g);
    rename("sub/b.txt", "sub/c.txt");

    /* Directories: the names in the working directory, sorted. */
    DIR *dir = opendir(".");
    char *names[16];
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && count < 16)
        if (entry->d_name[0] != '.')
            names[count++] = strdup(entry->d_name);
    closedir(dir);
    qsort(names, count, sizeof names[0], compare);
    for (int i = 0; i < count; i++)
        printf("entry: %s\n", names[i]);
    unlink("sub/c.txt");
    rmdir("sub");
    printf("sub exists after rmdir: %d\n", access("sub", F_OK) == 0);

    /* Environment. */
    printf("FILES_ENV_GREETING=%s\n", getenv("FILES_ENV_GREETING") ?: "(unset)");
    setenv("FILES_ENV_NEW", "fresh", 1);
    putenv("FILES_ENV_PUT=put");
    printf("new=%s put=%s missing=%s\n", getenv("FILES_ENV_NEW"), getenv("FILES_ENV_PUT"),
           getenv("FILES_ENV_MISSING") ?: "(null)");

    /* drand48 family. */
    srand48(12345);
    printf("drand48: %.6f %.6f lrand48: %ld mrand48: %ld\n", drand48(), drand48(), lrand48(),
           mrand48());
    unsigned short seed[3] = {1, 2, 3};
    seed48(seed);
    printf("after seed48: %.6f erand48: %.6f\n", drand48(), erand48(seed));

    /* stdin. */
    double sum = 0, x;
    int n = 0;
    while (scanf("%lf", &x) == 1) { sum += x; n++; }
    printf("read %d numbers, sum %.3f, mean %.3f\n", n, sum, n ? sum / n : 0.0);

    /* Large allocations (mmap) and realloc. */
    size_t size = 8 << 20;
    char *big = malloc(size);
    memset(big, 'x', size);
    big = realloc(big, 2 * size);
    big[2 * size - 1] = 'y';
    printf("big: %c%c\n", big[0], big[2 * size - 1]);
    free(big);

    unlink("notes.txt");
    fprintf(stderr, "done\n");
    return 7;
}
