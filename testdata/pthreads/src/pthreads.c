/* Several threads share a counter under a mutex, hand work over a condition variable and
   keep thread-local counters; main joins them. The output does not depend on how the
   threads interleave. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define THREADS 4
#define ROUNDS 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static pthread_cond_t taken = PTHREAD_COND_INITIALIZER;
static long shared_total;
static int slot = -1;          /* a work item handed from main to one worker */
static int items_done[THREADS];
static __thread long local_count;
static __thread int local_id = -1;

static void *worker(void *arg) {
    int id = (int)(long)arg;
    local_id = id;
    for (int i = 0; i < ROUNDS; i++) {
        local_count += id + 1;
        pthread_mutex_lock(&lock);
        shared_total += id + 1;
        pthread_mutex_unlock(&lock);
        if (i % 256 == 0)
            sched_yield();
    }
    /* Take work items from main until it sends -2 (stop). */
    for (;;) {
        pthread_mutex_lock(&lock);
        while (slot == -1)
            pthread_cond_wait(&ready, &lock);
        int item = slot;
        if (item == -2) {
            pthread_mutex_unlock(&lock);
            break;
        }
        slot = -1;
        items_done[item % THREADS]++;
        local_count += 1000 * (item + 1);
        pthread_cond_signal(&taken);
        pthread_mutex_unlock(&lock);
    }
    long *result = malloc(sizeof *result);
    *result = local_count;
    return result;
}

int main(void) {
    pthread_t threads[THREADS];
    for (long i = 0; i < THREADS; i++) {
        if (pthread_create(&threads[i], NULL, worker, (void *)i) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    local_id = 99;
    local_count = 7;
    for (int item = 0; item < 40; item++) {
        pthread_mutex_lock(&lock);
        while (slot != -1)
            pthread_cond_wait(&taken, &lock);
        slot = item;
        pthread_cond_signal(&ready);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    while (slot != -1)
        pthread_cond_wait(&taken, &lock);
    slot = -2;
    pthread_cond_broadcast(&ready);
    pthread_mutex_unlock(&lock);
    long all_local = 0;
    for (int i = 0; i < THREADS; i++) {
        void *value;
        pthread_join(threads[i], &value);
        all_local += *(long *)value;
        free(value);
    }
    int items = 0;
    for (int i = 0; i < THREADS; i++)
        items += items_done[i];
    printf("shared total: %ld (expected %d)\n", shared_total,
           ROUNDS * THREADS * (THREADS + 1) / 2);
    printf("items done: %d\n", items);
    printf("sum of thread-local counts: %ld\n", all_local);
    printf("main's thread-local: id=%d count=%ld\n", local_id, local_count);
    return shared_total == ROUNDS * THREADS * (THREADS + 1) / 2 ? 0 : 3;
}
