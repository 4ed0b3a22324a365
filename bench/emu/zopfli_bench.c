/* Zopfli (the zopfli sdist's C library): FILE as gzip with ITERATIONS iterations. */
#include "common.h"
#include "zopfli.h"

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s FILE ITERATIONS\n", argv[0]); return 2; }
  size_t n, outsize = 0;
  unsigned char *in = read_file(argv[1], &n), *out = NULL;
  ZopfliOptions options;
  ZopfliInitOptions(&options);
  options.numiterations = atoi(argv[2]);
  ZopfliCompress(&options, ZOPFLI_FORMAT_GZIP, in, n, &out, &outsize);
  printf("gzip: %zu -> %zu bytes, %016lx\n", n, outsize, fnv1a(out, outsize));
  free(out);
  return 0;
}
