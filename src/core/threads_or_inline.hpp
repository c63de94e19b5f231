// Runs [0, runs) on threads of their own where threads can be started, and on the calling thread where they
// cannot: a process at its thread limit (std::system_error from std::thread) still finishes the work, in
// order, only more slowly. Run 0 always runs on the calling thread.
#pragma once

#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

namespace ttnn {

// run(t) for every t in [0, runs); start(run, t) starts a thread running run(t) (std::thread's constructor
// in production; tests pass one that fails). Returns how many runs had a thread of their own.
template <class Run, class Start>
size_t run_on_threads_or_inline(size_t runs, const Run& run, const Start& start) {
  std::vector<std::thread> workers;
  size_t started = 1;  // runs [1, started) have a thread; a thread that cannot start leaves the rest here
  try {
    for (; started < runs; ++started) workers.push_back(start(run, started));
  } catch (const std::system_error&) {
  }
  for (size_t t = started; t < runs; ++t) run(t);
  if (runs > 0) run(0);
  for (auto& worker : workers) worker.join();
  return workers.size();
}

template <class Run>
size_t run_on_threads_or_inline(size_t runs, const Run& run) {
  return run_on_threads_or_inline(runs, run, [](const Run& r, size_t t) { return std::thread(r, t); });
}

}  // namespace ttnn
