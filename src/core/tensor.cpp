#include "ttnn/tensor.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "core/allocator.hpp"
#include "core/host_memory.hpp"
#include "core/check.hpp"

namespace ttnn {

Shape TensorSpec::padded_shape() const { return layout == Layout::TILE ? logical_shape.tile_padded() : logical_shape; }

uint64_t TensorSpec::physical_height() const {
  // A rank-1 tensor in TILE layout is one row padded to a full tile.
  if (layout == Layout::TILE && logical_shape.rank() < 2) return TILE_HEIGHT;
  return padded_shape().height();
}

uint64_t TensorSpec::physical_width() const { return padded_shape().width(); }

void Buffer::AlignedFree::operator()(std::byte* pointer) const {
  if (owned) host_memory::release(pointer, bytes);
}

namespace {
std::atomic<uint64_t> next_buffer_id{1};
}

Buffer::Buffer(size_t size_bytes, std::shared_ptr<Allocator> allocator, uint64_t allocation_id, bool zero)
    : size_bytes_(size_bytes), id_(next_buffer_id++), allocator_(std::move(allocator)), allocation_id_(allocation_id) {
  // 64-byte alignment lets kernels use aligned vector loads on tile boundaries.
  auto* memory = host_memory::acquire(size_bytes);
  if (!memory) {
    if (allocator_) allocator_->release(allocation_id_);
    fail<OutOfMemory>("Buffer: host allocation of {} bytes failed", size_bytes);
  }
  if (zero) std::memset(memory, 0, host_memory::block_size(size_bytes));
  data_ = Bytes(memory, AlignedFree{size_bytes});
}

Buffer::Buffer(std::byte* data, size_t size_bytes, std::shared_ptr<const void> owner)
    : size_bytes_(size_bytes),
      data_(data, AlignedFree{size_bytes, false}),
      owner_(std::move(owner)),
      id_(next_buffer_id++),
      allocation_id_(0) {}

Buffer::~Buffer() { deallocate(); }

Buffer::Bytes Buffer::take_for_consumption() {
  Bytes bytes = std::move(data_);
  deallocate();
  return bytes;
}

void Buffer::reclaim(Bytes bytes, std::shared_ptr<Allocator> allocator, uint64_t allocation_id) {
  deallocate();
  data_ = std::move(bytes);
  allocator_ = std::move(allocator);
  allocation_id_ = allocation_id;
}

void Buffer::deallocate() {
  data_.reset();
  attachment_.reset();
  if (allocator_) {
    allocator_->release(allocation_id_);
    allocator_.reset();
  }
}

Tensor::Tensor(TensorSpec spec, std::shared_ptr<Buffer> buffer, Device* device)
    : spec_(std::move(spec)), buffer_(std::move(buffer)), device_(device) {}

bool Tensor::is_allocated() const {
  if (!buffer_ || !buffer_->is_allocated()) return false;
  return !device_ || device_->is_open();
}

std::byte* Tensor::bytes(std::string_view user) const {
  check<DeallocatedTensor>(buffer_ != nullptr, "{}: the tensor is empty (default-constructed)", user);
  check<DeallocatedTensor>(buffer_->is_allocated(), "{}: tensor {} {} was deallocated and cannot be used", user,
                           spec_.logical_shape, spec_.dtype);
  check<DeallocatedTensor>(!device_ || device_->is_open(), "{}: tensor {} lives on device {}, which was closed", user,
                           spec_.logical_shape, device_ ? device_->id() : -1);
  return buffer_->data();
}

void deallocate(Tensor& tensor) {
  if (tensor.buffer()) tensor.buffer()->deallocate();
}

}  // namespace ttnn
