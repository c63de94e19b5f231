// What the subcommands share for their output: a step-counting progress line on stderr and files that are
// never seen half-written.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

namespace mobilenetv2 {

// "`verb` [#####.....] 3/24 label" redrawn in place on stderr when it is a terminal, from the first step
// that comes a second or more after the start (short runs print nothing); the destructor ends the line.
class StepProgress {
 public:
  StepProgress(std::string verb, size_t total);
  ~StepProgress();
  StepProgress(const StepProgress&) = delete;
  StepProgress& operator=(const StepProgress&) = delete;
  // Counts one step done and shows `label` (what was just done, or what comes next).
  void step(const std::string& label);
  // Shows `label` without counting a step.
  void show(const std::string& label);

 private:
  using Clock = std::chrono::steady_clock;
  std::string verb_;
  size_t total_, done_ = 0;
  Clock::time_point start_;
  bool enabled_;
  bool drawn_ = false;
};

// Writes `text` through a temporary file beside `path`, renamed into place; throws ttnn::Error naming the
// file and `command` when it cannot.
void write_text_file(const std::filesystem::path& path, const std::string& text, const std::string& command);

}  // namespace mobilenetv2
