// Exceptions thrown at the API boundary. Messages name the function, the offending value and what
// was expected, e.g. "to_layout: bfloat8_b requires TILE layout, got ROW_MAJOR".
#pragma once

#include <stdexcept>

namespace ttnn {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An argument violates the function's contract (shape, dtype, layout, configuration).
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

// A valid request this backend or build does not support.
class Unsupported : public Error {
 public:
  using Error::Error;
};

// An allocation does not fit the device's L1 or DRAM budget.
class OutOfMemory : public Error {
 public:
  using Error::Error;
};

// A tensor (or another handle to its buffer) was used after deallocate().
class DeallocatedTensor : public Error {
 public:
  using Error::Error;
};

// A file or stream is malformed (checkpoints, .npy, images).
class FormatError : public Error {
 public:
  using Error::Error;
};

}  // namespace ttnn
