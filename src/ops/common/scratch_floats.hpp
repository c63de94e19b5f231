// Float working memory that ops take call after call: buffers come from a small process-wide free list, so
// a steady-state forward pass neither allocates nor zero-fills what the op overwrites anyway.
#pragma once

#include <cstddef>
#include <memory>

namespace ttnn {

class ScratchFloats {
 public:
  ScratchFloats() = default;
  // `count` floats with unspecified contents.
  explicit ScratchFloats(size_t count);
  ~ScratchFloats();
  ScratchFloats(ScratchFloats&& other) noexcept;
  ScratchFloats& operator=(ScratchFloats&& other) noexcept;
  ScratchFloats(const ScratchFloats&) = delete;
  ScratchFloats& operator=(const ScratchFloats&) = delete;

  float* data() { return buffer_.get(); }
  const float* data() const { return buffer_.get(); }
  size_t size() const { return size_; }
  float* begin() { return data(); }
  float* end() { return data() + size_; }
  const float* begin() const { return data(); }
  const float* end() const { return data() + size_; }
  float& operator[](size_t i) { return buffer_[i]; }
  const float& operator[](size_t i) const { return buffer_[i]; }

 private:
  void release();
  std::unique_ptr<float[]> buffer_;
  size_t capacity_ = 0, size_ = 0;
};

}  // namespace ttnn
