/* xxHash (the xxhash sdist's deps/xxhash): XXH32, XXH64, XXH3 64 and 128 of FILE, ROUNDS
   times over, each round's seed the last round's hash. */
#include "common.h"
#include "xxhash.h"

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s FILE ROUNDS\n", argv[0]); return 2; }
  size_t n;
  unsigned char *in = read_file(argv[1], &n);
  int rounds = atoi(argv[2]);
  XXH32_hash_t h32 = 0;
  XXH64_hash_t h64 = 0, h3 = 0;
  XXH128_hash_t h128 = {0, 0};
  for (int r = 0; r < rounds; r++) {
    h32 = XXH32(in, n, h32);
    h64 = XXH64(in, n, h64);
    h3 = XXH3_64bits_withSeed(in, n, h3);
    h128 = XXH3_128bits_withSeed(in, n, h128.low64);
  }
  printf("XXH32 %08x XXH64 %016llx XXH3 %016llx XXH128 %016llx%016llx\n", h32,
         (unsigned long long)h64, (unsigned long long)h3, (unsigned long long)h128.high64,
         (unsigned long long)h128.low64);
  return 0;
}
