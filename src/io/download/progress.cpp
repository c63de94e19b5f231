// ProgressBar: a throttled, in-place terminal progress line.
#include "ttnn/io/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cinttypes>

namespace ttnn::io {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

struct Unit {
  double scale;
  const char* name;
};

Unit unit_for(double bytes) {
  if (bytes >= 1e9) return {1e9, "GB"};
  if (bytes >= 1e6) return {1e6, "MB"};
  if (bytes >= 1e3) return {1e3, "kB"};
  return {1.0, "B"};
}

std::string amount(uint64_t bytes, const Unit& unit) {
  char text[64];
  if (unit.scale == 1.0)
    std::snprintf(text, sizeof text, "%" PRIu64, bytes);
  else
    std::snprintf(text, sizeof text, "%.1f", static_cast<double>(bytes) / unit.scale);
  return text;
}

bool is_terminal(std::FILE* stream) { return stream != nullptr && ::isatty(::fileno(stream)) == 1; }

}  // namespace

ProgressBar::ProgressBar(std::string label, std::FILE* stream) : ProgressBar(std::move(label), stream, is_terminal(stream)) {}

ProgressBar::ProgressBar(std::string label, std::FILE* stream, bool enabled)
    : label_(std::move(label)), stream_(stream), enabled_(enabled && stream != nullptr) {}

ProgressBar::~ProgressBar() { finish(); }

std::string ProgressBar::format(uint64_t done, uint64_t total, double bytes_per_second, int bar_width) {
  std::string line;
  const Unit unit = unit_for(static_cast<double>(total != 0 ? total : done));
  if (total != 0) {
    const uint64_t shown = std::min(done, total);
    const int width = std::max(bar_width, 1);
    const auto filled = static_cast<int>(static_cast<double>(shown) / static_cast<double>(total) * width);
    const auto percent = static_cast<int>(static_cast<double>(shown) / static_cast<double>(total) * 100.0);
    line += '[';
    line.append(static_cast<size_t>(filled), '#');
    line.append(static_cast<size_t>(width - filled), '.');
    line += "] ";
    line += std::to_string(percent);
    line += "% ";
    line += amount(done, unit) + "/" + amount(total, unit) + " " + unit.name;
  } else {
    line += amount(done, unit) + " " + unit.name;
  }
  if (bytes_per_second >= 0.0) {
    const Unit rate_unit = unit_for(bytes_per_second);
    char rate[64];
    std::snprintf(rate, sizeof rate, " %.1f %s/s", bytes_per_second / rate_unit.scale, rate_unit.name);
    line += rate;
  }
  return line;
}

void ProgressBar::update(uint64_t done, uint64_t total) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (!started_ || done < done_) {
    started_ = true;
    start_ = now;
    start_done_ = done;
  }
  done_ = done;
  total_ = total;
  if (!drawn_ || now - last_draw_ >= kRedrawInterval) draw();
}

void ProgressBar::finish() {
  if (!enabled_ || !drawn_) return;
  draw();
  std::fputc('\n', stream_);
  std::fflush(stream_);
  drawn_ = false;
  started_ = false;
  last_length_ = 0;
}

void ProgressBar::draw() {
  const Clock::time_point now = Clock::now();
  const double seconds = std::chrono::duration<double>(now - start_).count();
  // A rate needs a little history to mean anything.
  const double rate = seconds >= 0.2 ? static_cast<double>(done_ - start_done_) / seconds : -1.0;
  std::string line = label_.empty() ? std::string() : label_ + " ";
  line += format(done_, total_, rate);
  const size_t length = line.size();
  if (length < last_length_) line.append(last_length_ - length, ' ');  // erase the longer previous line
  std::fputc('\r', stream_);
  std::fputs(line.c_str(), stream_);
  std::fflush(stream_);
  last_length_ = length;
  last_draw_ = now;
  drawn_ = true;
}

}  // namespace ttnn::io
