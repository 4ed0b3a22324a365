/* zstd (the python-zstandard sdist's single-file zstd.c): compress FILE at each LEVEL
   given, with WORKERS threads (0: in the calling thread), decompress it again and check
   the round trip. zstd's output does not depend on how its threads are scheduled. */
#include "common.h"
#include "zstd.h"

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s FILE WORKERS LEVEL...\n", argv[0]); return 2; }
  size_t n;
  unsigned char *in = read_file(argv[1], &n);
  size_t cap = ZSTD_compressBound(n);
  unsigned char *out = malloc(cap), *back = malloc(n + 1);
  ZSTD_CCtx *cctx = ZSTD_createCCtx();
  int workers = atoi(argv[2]);
  for (int i = 3; i < argc; i++) {
    int level = atoi(argv[i]);
    ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    if (workers) {
      size_t r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, workers);
      if (ZSTD_isError(r)) { fprintf(stderr, "%s\n", ZSTD_getErrorName(r)); return 1; }
      ZSTD_CCtx_setParameter(cctx, ZSTD_c_jobSize, 256 << 10);
    }
    size_t c = ZSTD_compress2(cctx, out, cap, in, n);
    if (ZSTD_isError(c)) { fprintf(stderr, "%s\n", ZSTD_getErrorName(c)); return 1; }
    size_t d = ZSTD_decompress(back, n + 1, out, c);
    if (ZSTD_isError(d) || d != n || memcmp(in, back, n)) { fprintf(stderr, "round trip\n"); return 1; }
    printf("level %d: %zu -> %zu bytes, %016lx\n", level, n, c, fnv1a(out, c));
  }
  ZSTD_freeCCtx(cctx);
  return 0;
}
