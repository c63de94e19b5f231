// Tensors: a spec (logical shape, dtype, layout, memory config) plus a buffer on the host or a device.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ttnn/memory_config.hpp"
#include "ttnn/shape.hpp"
#include "ttnn/types.hpp"

namespace ttnn {

class Device;
class Allocator;

enum class StorageType : uint8_t { HOST, DEVICE };

// Everything about a tensor but its bytes. Every layout is built on the 2D "physical" view:
// height = product of the padded shape's dims but the last, width = the padded last dim.
struct TensorSpec {
  Shape logical_shape;
  DataType dtype = DataType::FLOAT32;
  Layout layout = Layout::ROW_MAJOR;
  MemoryConfig memory_config = DRAM_MEMORY_CONFIG;

  // Logical shape with the last two dims rounded up to 32 in TILE layout; equal to it in ROW_MAJOR.
  Shape padded_shape() const;
  uint64_t physical_height() const;
  uint64_t physical_width() const;
  bool operator==(const TensorSpec&) const = default;
};

// Data an op derives from a buffer and keeps with it (e.g. weights packed for a kernel); freed with it.
struct BufferAttachment {
  virtual ~BufferAttachment() = default;
};

// The bytes of one tensor. Device buffers are accounted by the device's allocator until deallocated.
class Buffer {
 public:
  struct AlignedFree {
    AlignedFree() noexcept : bytes(0) {}
    explicit AlignedFree(size_t size, bool owned_ = true) noexcept : bytes(size), owned(owned_) {}
    size_t bytes;  // the size it was allocated with (its block goes back to the host memory cache)
    bool owned = true;  // false for a view: someone else frees the memory
    void operator()(std::byte* pointer) const;
  };
  using Bytes = std::unique_ptr<std::byte[], AlignedFree>;

  // The bytes start zeroed. `zero` false leaves that to the caller (which zeroes in parallel, say): the
  // bytes are unspecified until it has.
  Buffer(size_t size_bytes, std::shared_ptr<Allocator> allocator, uint64_t allocation_id, bool zero = true);
  // A view of `size_bytes` bytes at `data`, inside memory that `owner` keeps alive (a planned forward
  // pass's activation arena); it frees nothing and counts against no allocator.
  Buffer(std::byte* data, size_t size_bytes, std::shared_ptr<const void> owner);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  size_t size_bytes() const { return size_bytes_; }
  bool is_allocated() const { return data_ != nullptr; }
  std::byte* data() const { return data_.get(); }
  // Frees the bytes and returns them to the allocator; later use throws DeallocatedTensor.
  void deallocate();
  // Deallocates as above but hands the bytes to the caller, who may still read them (an op consuming its
  // input: the device space is free for the op's output while the op finishes reading).
  Bytes take_for_consumption();
  // Takes back bytes that take_for_consumption handed out, accounted again under `allocation_id` of
  // `allocator` (none for host buffers): an op whose output did not fit leaves its input as it was.
  void reclaim(Bytes bytes, std::shared_ptr<Allocator> allocator, uint64_t allocation_id);

  // Unique for the life of the process (buffer addresses can be reused; ids are not).
  uint64_t id() const { return id_; }
  void attach(std::shared_ptr<const BufferAttachment> attachment) { attachment_ = std::move(attachment); }
  const std::shared_ptr<const BufferAttachment>& attachment() const { return attachment_; }

 private:
  size_t size_bytes_;
  Bytes data_;
  std::shared_ptr<const BufferAttachment> attachment_;
  std::shared_ptr<const void> owner_;  // views only
  uint64_t id_;
  std::shared_ptr<Allocator> allocator_;
  uint64_t allocation_id_;
};

class Tensor {
 public:
  Tensor() = default;
  Tensor(TensorSpec spec, std::shared_ptr<Buffer> buffer, Device* device);

  const TensorSpec& spec() const { return spec_; }
  const Shape& logical_shape() const { return spec_.logical_shape; }
  const Shape& shape() const { return spec_.logical_shape; }
  Shape padded_shape() const { return spec_.padded_shape(); }
  DataType dtype() const { return spec_.dtype; }
  Layout layout() const { return spec_.layout; }
  const MemoryConfig& memory_config() const { return spec_.memory_config; }
  bool is_sharded() const { return spec_.memory_config.is_sharded(); }
  const std::optional<ShardSpec>& shard_spec() const { return spec_.memory_config.shard_spec; }

  StorageType storage_type() const { return device_ ? StorageType::DEVICE : StorageType::HOST; }
  Device* device() const { return device_; }
  // False for an empty Tensor() and after deallocate() (of this or any handle sharing the buffer).
  bool is_allocated() const;

  // Raw bytes for ops and kernels; throws DeallocatedTensor naming `user` when the buffer was freed.
  std::byte* bytes(std::string_view user) const;
  const std::shared_ptr<Buffer>& buffer() const { return buffer_; }

 private:
  TensorSpec spec_;
  std::shared_ptr<Buffer> buffer_;
  Device* device_ = nullptr;
};

// Frees a device tensor's buffer at once; any later use of it (or of another handle to the same
// buffer) throws DeallocatedTensor. Deallocating a host tensor frees its host memory the same way.
void deallocate(Tensor& tensor);

}  // namespace ttnn
