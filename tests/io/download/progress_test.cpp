// ProgressBar: the line format, TTY-only output and the redraw limit.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "ttnn/io/download.hpp"
#include "ttnn/io/progress.hpp"

namespace ttnn::io {
namespace {

std::string contents(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  for (int c; (c = std::fgetc(file)) != EOF;) text.push_back(static_cast<char>(c));
  return text;
}

TEST(ProgressBar, FormatsBarPercentSizesAndRate) {
  EXPECT_EQ(ProgressBar::format(6'300'000, 14'000'000, 2'100'000, 10), "[####......] 45% 6.3/14.0 MB 2.1 MB/s");
  EXPECT_EQ(ProgressBar::format(14'000'000, 14'000'000, 2'100'000, 10), "[##########] 100% 14.0/14.0 MB 2.1 MB/s");
  EXPECT_EQ(ProgressBar::format(0, 14'000'000, -1, 4), "[....] 0% 0.0/14.0 MB");
  EXPECT_EQ(ProgressBar::format(512, 1000, 800, 4), "[##..] 51% 0.5/1.0 kB 800.0 B/s");
  EXPECT_EQ(ProgressBar::format(12, 100, -1, 4), "[....] 12% 12/100 B");
  EXPECT_EQ(ProgressBar::format(2'500'000'000, 5'000'000'000, 1.5e9, 2), "[#.] 50% 2.5/5.0 GB 1.5 GB/s");
  EXPECT_EQ(ProgressBar::format(6'300'000, 0, 2'100'000), "6.3 MB 2.1 MB/s");  // unknown total
  EXPECT_EQ(ProgressBar::format(20, 10, -1, 4), "[####] 100% 20/10 B");        // more than announced
  EXPECT_EQ(ProgressBar::format(6'300'000, 14'000'000, 1), std::string("[") + std::string(13, '#') +
                                                               std::string(17, '.') + "] 45% 6.3/14.0 MB 1.0 B/s");
}

TEST(ProgressBar, DisabledBarWritesNothing) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    ProgressBar bar("file.pth", file, false);
    EXPECT_FALSE(bar.enabled());
    for (uint64_t i = 0; i <= 100; ++i) bar.update(i, 100);
    bar.finish();
  }
  EXPECT_EQ(contents(file), "");
  std::fclose(file);
}

TEST(ProgressBar, NotATerminalMeansDisabled) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressBar bar("file.pth", file);
  EXPECT_FALSE(bar.enabled());
  std::fclose(file);
  if (::isatty(2) == 0) {
    EXPECT_FALSE(static_cast<bool>(terminal_progress("x")));
  }
}

TEST(ProgressBar, RedrawsAtMostTenTimesASecondAndEndsTheLine) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  const auto start = std::chrono::steady_clock::now();
  {
    ProgressBar bar("file.pth", file, true);
    constexpr uint64_t kTotal = 200'000;
    for (uint64_t i = 0; i <= kTotal; ++i) bar.update(i, kTotal);
  }  // the destructor finishes
  const double elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const std::string text = contents(file);
  std::fclose(file);
  const auto draws = std::count(text.begin(), text.end(), '\r');
  EXPECT_GE(draws, 2);  // the first update and the final state
  EXPECT_LE(draws, static_cast<long>(elapsed_ms / 100.0) + 2) << elapsed_ms << " ms";
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const std::string last_line = text.substr(text.rfind('\r') + 1);
  EXPECT_EQ(last_line.rfind("file.pth [##############################] 100% 200.0/200.0 kB", 0), 0u) << last_line;
}

TEST(ProgressBar, ShorterLinesEraseLongerOnesAndFinishStartsANewLine) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    ProgressBar bar("", file, true);
    bar.update(2'000'000, 0);  // drawn: the first update
    bar.update(5, 0);          // a restarted transfer, within 100 ms: not drawn yet
    bar.finish();              // drawn, padded over the longer line, then a newline
    bar.finish();              // nothing more
    bar.update(7, 0);          // a new line
  }
  const std::string text = contents(file);
  std::fclose(file);
  EXPECT_EQ(text, "\r2.0 MB\r5 B   \n\r7 B\r7 B\n");
}

}  // namespace
}  // namespace ttnn::io
