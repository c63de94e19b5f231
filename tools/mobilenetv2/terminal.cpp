#include "mobilenetv2/terminal.hpp"

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "ttnn/errors.hpp"

namespace mobilenetv2 {

StepProgress::StepProgress(std::string verb, size_t total)
    : verb_(std::move(verb)), total_(total), start_(Clock::now()), enabled_(isatty(STDERR_FILENO) != 0) {}

StepProgress::~StepProgress() {
  if (drawn_) std::fprintf(stderr, "\n");
}

void StepProgress::step(const std::string& label) {
  ++done_;
  show(label);
}

void StepProgress::show(const std::string& label) {
  if (!enabled_ || Clock::now() - start_ < std::chrono::seconds(1)) return;
  constexpr size_t width = 30;
  const size_t filled = total_ ? std::min(done_, total_) * width / total_ : width;
  std::fprintf(stderr, "\r\033[K%s [%s%s] %zu/%zu %s", verb_.c_str(), std::string(filled, '#').c_str(),
               std::string(width - filled, '.').c_str(), done_, total_, label.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void write_text_file(const std::filesystem::path& path, const std::string& text, const std::string& command) {
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw ttnn::InvalidArgument(command + ": cannot write '" + temporary.string() + "'");
    out << text;
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw ttnn::Error(command + ": writing '" + temporary.string() + "' failed");
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    throw ttnn::Error(command + ": cannot move '" + temporary.string() + "' to '" + path.string() + "'");
  }
}

}  // namespace mobilenetv2
