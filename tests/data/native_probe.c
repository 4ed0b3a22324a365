#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <execinfo.h>
extern char **environ;
static int depth(int n) {
  if (n == 0) { void *buf[64]; int k = backtrace(buf, 64); printf("frames=%d\n", k); return k; }
  return depth(n - 1) + 1;
}
int main(int argc, char **argv) {
  int c, a = 0; const char *b = "none";
  while ((c = getopt(argc, argv, "ab:")) != -1) {
    if (c == 'a') a++; else if (c == 'b') b = optarg; else return 3;
  }
  printf("a=%d b=%s optind=%d rest=%s\n", a, b, optind, optind < argc ? argv[optind] : "-");
  fprintf(stderr, "to stderr\n");
  setenv("PYJIT_T", "v1", 1);
  printf("env=%s environ-has=%d\n", getenv("PYJIT_T"), environ != NULL);
  depth(3);
  return 7;
}
