/* Shared by the benchmark drivers: read a whole file, and a checksum to print. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *data = malloc(n ? n : 1);
  if (fread(data, 1, n, f) != (size_t)n) { perror(path); exit(2); }
  fclose(f);
  *size = (size_t)n;
  return data;
}

static unsigned long fnv1a(const unsigned char *p, size_t n) {
  unsigned long h = 1469598103934665603UL;
  for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 1099511628211UL; }
  return h;
}
