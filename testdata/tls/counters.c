/* Thread-local counters of every kind, updated by 8 threads at once and by main.
 * With other.c: the done-when program of issue 11 (pyjitlink's tests compare its output,
 * JIT-linked, with the same objects linked by gcc). With -DMAIN_THREAD_ONLY only main
 * runs (the emulated process has one thread). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define THREADS 8
#define ROUNDS 1000

_Thread_local int initialised = 1000;          /* .tdata */
_Thread_local long zero_filled;                /* .tbss */
static _Thread_local int hidden = 7;           /* a static one (local dynamic under -fPIC) */
extern _Thread_local int shared;               /* defined in other.c */
_Thread_local unsigned char block[4096];       /* a 4 KiB zero-filled block */

int other_bump(int by);                        /* other.c: updates its own thread-locals */
int *shared_address(void);

struct result {
  int initialised, hidden, shared, other;
  long zero_filled;
  unsigned long block_sum;
  int own_copy;                                /* &shared as main's is not this thread's */
};

static struct result results[THREADS + 1];
static int *main_shared;
static pthread_barrier_t barrier;

static void work(int id) {
  for (int round = 0; round < ROUNDS; round++) {
    initialised += id;
    zero_filled += 2;
    hidden += 3;
    shared += 1;
    block[(round * 37 + id) % sizeof block] += (unsigned char)(id + 1);
  }
  struct result *r = &results[id];
  r->other = other_bump(id + 1);
  r->initialised = initialised;
  r->hidden = hidden;
  r->shared = shared;
  r->zero_filled = zero_filled;
  for (size_t i = 0; i < sizeof block; i++)
    r->block_sum += block[i] * (i % 7 + 1);
  r->own_copy = shared_address() == &shared && &shared != main_shared;
}

#ifndef MAIN_THREAD_ONLY
static void *thread_main(void *arg) {
  int id = (int)(long)arg;
  pthread_barrier_wait(&barrier);              /* all eight run at the same time */
  work(id);
  return NULL;
}
#endif

int main(void) {
#ifndef MAIN_THREAD_ONLY
  pthread_t threads[THREADS];
#endif
  main_shared = &shared;
  initialised -= 1;                            /* main's copy changes before the threads */
  int first = THREADS;
#ifndef MAIN_THREAD_ONLY
  first = 0;
  pthread_barrier_init(&barrier, NULL, THREADS);
  for (long i = 0; i < THREADS; i++)
    pthread_create(&threads[i], NULL, thread_main, (void *)i);
  for (int i = 0; i < THREADS; i++)
    pthread_join(threads[i], NULL);
#endif
  work(THREADS);
  results[THREADS].own_copy = main_shared == &shared;
  for (int i = first; i <= THREADS; i++) {
    struct result *r = &results[i];
    printf("%s %d: initialised=%d zero_filled=%ld hidden=%d shared=%d other=%d "
           "block=%lu own=%d\n", i == THREADS ? "main" : "thread", i, r->initialised,
           r->zero_filled, r->hidden, r->shared, r->other, r->block_sum, r->own_copy);
  }
  return 0;
}
