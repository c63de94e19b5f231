#include "io/pth/zip_reader.hpp"

#include <deque>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/check.hpp"
#include "io/pth/tensor_rebuild.hpp"
#include "io/pth/unpickler.hpp"
#include "io/pth/zip_archive.hpp"

namespace ttnn::io::pth {
namespace {

constexpr uint64_t kMaxPickleBytes = uint64_t{1} << 30;

// The folder holding data.pkl: torch names it after the file, but any name is accepted.
std::string find_prefix(const ZipArchive& archive, std::string_view what) {
  std::vector<std::string> found;
  for (const auto& name : archive.names()) {
    const size_t slash = name.find('/');
    if (slash != std::string::npos && slash > 0 && name.compare(slash, std::string::npos, "/data.pkl") == 0)
      found.push_back(name.substr(0, slash));
  }
  check<FormatError>(found.size() == 1, "{}: zip archive has {} '<folder>/data.pkl' entries (expected one{})",
                     what, found.size(), found.empty() ? "; is this a PyTorch checkpoint?" : "");
  return found.front();
}

bool read_big_endian(ZipArchive& archive, const std::string& prefix, std::string_view what) {
  const auto index = archive.find(prefix + "/byteorder");
  if (!index) return false;  // written by torch >= 2.1 only; older files are little-endian
  const auto bytes = archive.read(*index, 16);
  const std::string order(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  check<FormatError>(order == "little" || order == "big", "{}: {}/byteorder is '{}', not 'little' or 'big'",
                     what, prefix, order);
  return order == "big";
}

// A stored entry is used where it lies in the file (torch stores storages uncompressed); anything else is
// read into a new element of `copies`, which must outlive the returned bytes.
std::span<const std::byte> read_storage(ZipArchive& archive, uint64_t index, uint64_t expected,
                                        std::deque<std::vector<std::byte>>& copies) {
  if (const auto in_place = archive.stored_bytes(index, expected)) return *in_place;
  return copies.emplace_back(archive.read(index, expected));
}

}  // namespace

StateDict read_zip_checkpoint(std::span<const std::byte> file_bytes, std::string_view what) {
  ZipArchive archive(file_bytes, what);
  const std::string prefix = find_prefix(archive, what);
  const bool big_endian = read_big_endian(archive, prefix, what);
  const auto pickle_bytes = archive.read(*archive.find(prefix + "/data.pkl"), kMaxPickleBytes);
  const std::string pickle_what = fmt::format("{} ({}/data.pkl)", what, prefix);
  const Pickle pickle = unpickle(pickle_bytes, pickle_what);

  std::map<std::string, std::span<const std::byte>> storages;  // each storage read once, shared by its views
  std::deque<std::vector<std::byte>> copies;                    // the bytes of those not used in place
  const StorageSource source = [&](const StorageRef& ref) -> StorageBytes {
    check<FormatError>(!ref.view, "{}: storage '{}' carries a legacy view description", pickle_what, ref.key);
    auto found = storages.find(ref.key);
    if (found == storages.end()) {
      const std::string entry = fmt::format("{}/data/{}", prefix, ref.key);
      const auto index = archive.find(entry);
      check<FormatError>(index.has_value(), "{}: storage '{}' has no entry '{}'", what, ref.key, entry);
      const uint64_t expected = ref.numel * ref.type->size;
      const auto bytes = read_storage(archive, *index, expected, copies);
      check<FormatError>(bytes.size() == expected, "{}: entry '{}' has {} bytes, expected {} ({} {} elements)",
                         what, entry, bytes.size(), expected, ref.numel, ref.type->name);
      found = storages.emplace(ref.key, bytes).first;
    }
    return {found->second, big_endian};
  };
  return rebuild_state_dict(pickle.root(), source, pickle_what);
}

}  // namespace ttnn::io::pth
