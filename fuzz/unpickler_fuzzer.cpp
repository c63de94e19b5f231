// libFuzzer target: one pickle (a zip checkpoint's data.pkl), unpickled and rebuilt into tensors over
// synthetic storages of the sizes the pickle declares. Only ttnn::Error may escape.
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "io/pth/tensor_rebuild.hpp"
#include "io/pth/unpickler.hpp"
#include "ttnn/errors.hpp"

namespace {
constexpr uint64_t kMaxStorageBytes = uint64_t{1} << 20;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ttnn::io::pth;
  const std::span bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const Pickle pickle = unpickle(bytes, "fuzz.pkl");
    std::map<std::string, std::vector<std::byte>> storages;
    const StorageSource source = [&](const StorageRef& ref) -> StorageBytes {
      if (ref.numel > kMaxStorageBytes / ref.type->size) throw ttnn::FormatError("fuzz: storage too large");
      auto& storage = storages[ref.key];
      storage.resize(ref.numel * ref.type->size);
      for (size_t i = 0; i < storage.size(); ++i) storage[i] = std::byte(i * 131 + ref.key.size());
      return {storage, (size & 1) != 0};
    };
    rebuild_state_dict(pickle.root(), source, "fuzz.pkl");
  } catch (const ttnn::Error&) {
  }
  return 0;
}
