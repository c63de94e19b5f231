// A one-line terminal progress bar for byte counts (downloads, file reads, anything with done/total):
//
//   mobilenet_v2-b0353104.pth [#############.................] 45% 6.3/14.0 MB 2.1 MB/s
//
// It redraws in place ("\r") on its stream, by default stderr, and only when that stream is a terminal,
// so redirected output and logs stay clean. Redraws are limited to about 10 a second; the final state
// is always drawn by finish() (or the destructor), which ends the line.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace ttnn::io {

class ProgressBar {
 public:
  // Enabled when `stream` is a terminal.
  explicit ProgressBar(std::string label = {}, std::FILE* stream = stderr);
  // Enabled as given (tests, or callers that decide themselves).
  ProgressBar(std::string label, std::FILE* stream, bool enabled);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool enabled() const noexcept { return enabled_; }

  // Records progress; `total` 0 = unknown. Draws when enabled and at least 100 ms have passed since the
  // last draw (the first update always draws). A `done` smaller than the last one (a restarted
  // transfer) restarts the rate measurement.
  void update(uint64_t done, uint64_t total);
  // Draws the last state and ends the line; later updates start a new line. Does nothing when
  // disabled or when nothing was drawn.
  void finish();

  // The line drawn for a state, without "\r" or padding, e.g. "[#####.....] 45% 6.3/14.0 MB 2.1 MB/s"
  // (bar_width cells of # and .; with total 0: "6.3 MB 2.1 MB/s"). Byte units are decimal (kB, MB, GB),
  // chosen by the total (or by done when the total is unknown). A negative rate is left out.
  static std::string format(uint64_t done, uint64_t total, double bytes_per_second, int bar_width = 30);

 private:
  using Clock = std::chrono::steady_clock;
  void draw();

  std::string label_;
  std::FILE* stream_;
  bool enabled_;
  bool drawn_ = false;  // something is on the current line
  uint64_t done_ = 0, total_ = 0;
  uint64_t start_done_ = 0;
  Clock::time_point start_{};
  Clock::time_point last_draw_{};
  bool started_ = false;
  size_t last_length_ = 0;
};

}  // namespace ttnn::io
