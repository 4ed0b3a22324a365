// threads.cpp: std::thread workers on the target's own libstdc++ and glibc (clone, futex,
// TLS of new threads): each worker sums a range under a thread_local counter, throws and
// catches an exception on its own stack, and records its result in a mutex-guarded vector.
// main prints the results in worker order, so the output does not depend on interleaving.
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "registry.h"

namespace {

thread_local long steps = 0;  // each thread's own copy, zero at thread start

struct Result {
  int worker;
  long sum;
  long steps;
  std::string caught;
};

std::mutex results_mutex;
std::vector<Result> results;
long shared_total = 0;

[[gnu::noinline]] long checked_step(long i) {
  ++steps;
  if (i % 97 == 0) throw std::out_of_range("multiple of 97: " + std::to_string(i));
  return i * i % 1009;
}

void worker(int id) {
  long sum = 0;
  std::string caught = "nothing";
  for (long i = id * 100 + 1; i <= id * 100 + 100 + id; ++i) {
    try {
      sum += checked_step(i);
    } catch (const std::out_of_range &e) {
      caught = e.what();
    }
  }
  std::lock_guard<std::mutex> lock(results_mutex);
  shared_total += sum;
  results.push_back(Result{id, sum, steps, caught});
}

}  // namespace

void run_threads() {
  std::vector<std::thread> threads;
  for (int id = 0; id < 4; ++id) threads.emplace_back(worker, id);
  for (auto &t : threads) t.join();
  std::vector<Result> ordered(results.size());
  for (const auto &r : results) ordered[r.worker] = r;
  for (const auto &r : ordered)
    std::cout << "thread " << r.worker << ": sum " << r.sum << ", steps " << r.steps
              << ", caught " << r.caught << '\n';
  std::cout << "threads: total " << shared_total << ", main's steps " << steps << '\n';
}
