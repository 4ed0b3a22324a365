/* stdlib.h for the Mach-O test objects: see stdio.h in this directory for why this
 * freestanding prelude exists (no macOS SDK; names are bound in glibc or pyjitlink's
 * emulated C library, so glibc's names).  Only what the testdata programs use.
 */
#ifndef PYJITLINK_MACHO_STDLIB_H
#define PYJITLINK_MACHO_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);

void exit(int status) __attribute__((noreturn));
int atexit(void (*fn)(void));

void qsort(void *base, size_t count, size_t size, int (*cmp)(const void *, const void *));

double strtod(const char *s, char **end);
long strtol(const char *s, char **end, int base);

#endif
