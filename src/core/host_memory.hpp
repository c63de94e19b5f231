// Host memory behind tensor buffers. Freed blocks are kept by size and handed out again, so a model run
// pass after pass reuses the same memory instead of mapping fresh pages (page faults cost more than the
// forward pass's own conversions at batch 8). At most kMaxCachedBytes stay cached.
#pragma once

#include <cstddef>

namespace ttnn::host_memory {

inline constexpr size_t kMaxCachedBytes = size_t(256) << 20;

// The size a request of `bytes` is served with (64-byte aligned blocks; large ones in 4 KiB steps).
size_t block_size(size_t bytes);
// A 64-byte-aligned block of block_size(bytes) bytes, contents unspecified; null when out of memory.
std::byte* acquire(size_t bytes);
// Gives back a block from acquire(bytes) (the same `bytes`).
void release(std::byte* block, size_t bytes);
// Frees every cached block (after a model planned its memory, the blocks of its first pass stay unused).
void trim();

}  // namespace ttnn::host_memory
