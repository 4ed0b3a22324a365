/* LZ4 (the python-lz4 sdist's lz4libs): FILE compressed with LZ4 HC at each LEVEL and
   with the fast compressor, each decompressed and checked, ROUNDS times over. */
#include "common.h"
#include "lz4.h"
#include "lz4hc.h"

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s FILE ROUNDS LEVEL...\n", argv[0]); return 2; }
  size_t n;
  unsigned char *in = read_file(argv[1], &n);
  int cap = LZ4_compressBound((int)n), rounds = atoi(argv[2]);
  char *out = malloc(cap), *back = malloc(n);
  for (int r = 0; r < rounds; r++) {
    for (int i = 2; i < argc; i++) {
      int level = i == 2 ? 0 : atoi(argv[i]);
      int c = level ? LZ4_compress_HC((char *)in, out, (int)n, cap, level)
                    : LZ4_compress_default((char *)in, out, (int)n, cap);
      int d = LZ4_decompress_safe(out, back, c, (int)n);
      if (d != (int)n || memcmp(in, back, n)) { fprintf(stderr, "round trip\n"); return 1; }
      if (r == rounds - 1)
        printf("%s %d: %zu -> %d bytes, %016lx\n", level ? "hc" : "fast", level, n, c,
               fnv1a((unsigned char *)out, c));
    }
  }
  return 0;
}
