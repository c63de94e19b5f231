#include "io/pth/legacy_reader.hpp"

#include <array>
#include <map>
#include <string>

#include "core/check.hpp"
#include "io/pth/byte_reader.hpp"
#include "io/pth/tensor_rebuild.hpp"
#include "io/pth/unpickler.hpp"

namespace ttnn::io::pth {
namespace {

// 0x1950a86a20f9469cfc6c, as the little-endian bytes LONG1 stores.
constexpr std::array<unsigned char, 10> kMagic = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
constexpr int64_t kProtocolVersion = 1001;

class LegacyReader {
 public:
  LegacyReader(std::span<const std::byte> bytes, std::string_view what) : bytes_(bytes), what_(what) {}

  StateDict run() {
    check_header();
    const size_t main_start = offset_;
    const std::string main_what = fmt::format("{} (state dict pickle at byte {})", what_, main_start);
    const Pickle main = next_pickle();
    collect_storages(main, main_what);
    read_storage_data();
    const StorageSource source = [&](const StorageRef& ref) -> StorageBytes {
      const auto found = data_.find(ref.key);
      check<FormatError>(found != data_.end(), "{}: storage '{}' has no data", what_, ref.key);
      return {found->second, big_endian_};
    };
    return rebuild_state_dict(main.root(), source, main_what);
  }

 private:
  Pickle next_pickle() {
    Pickle pickle = unpickle(bytes_.subspan(offset_), what_, offset_);
    offset_ += pickle.end();
    return pickle;
  }

  void check_header() {
    const size_t magic_start = offset_;
    const Pickle magic = next_pickle();
    const Value& number = magic.root();
    const bool magic_ok = number.kind == Kind::BigInt && number.text.size() == kMagic.size() &&
                          std::equal(kMagic.begin(), kMagic.end(), number.text.begin(),
                                     [](unsigned char a, char b) { return a == static_cast<unsigned char>(b); });
    check<FormatError>(magic_ok, "{}: bytes [{}, {}) are not the PyTorch legacy magic number", what_, magic_start,
                       offset_);
    const Pickle version = next_pickle();
    check<FormatError>(version.root().kind == Kind::Int && version.root().integer == kProtocolVersion,
                       "{}: legacy protocol version is not {}", what_, kProtocolVersion);
    const Pickle sys_info = next_pickle();
    check<FormatError>(sys_info.root().kind == Kind::Dict, "{}: sys_info is a {}, not a dict", what_,
                       kind_name(sys_info.root().kind));
    if (const Value* little = dict_get(sys_info.root(), "little_endian")) {
      check<FormatError>(little->kind == Kind::Bool, "{}: sys_info little_endian is not a bool", what_);
      big_endian_ = little->integer == 0;
    }
  }

  // Storage types and sizes come from the persistent ids: the data section does not repeat them.
  void collect_storages(const Pickle& main, std::string_view main_what) {
    for (const Value& value : main.values()) {
      if (value.kind != Kind::PersistentId) continue;
      const StorageRef ref = parse_storage_pid(*value.items[0], main_what);
      const auto [slot, inserted] = refs_.try_emplace(ref.key, ref);
      check<FormatError>(inserted || (slot->second.type == ref.type && slot->second.numel == ref.numel),
                         "{}: storage '{}' is declared as {} x {} and as {} x {}", main_what, ref.key,
                         slot->second.type->name, slot->second.numel, ref.type->name, ref.numel);
    }
  }

  void read_storage_data() {
    const size_t keys_start = offset_;
    const Pickle keys = next_pickle();
    check<FormatError>(keys.root().kind == Kind::List, "{}: storage key list at byte {} is a {}, not a list",
                       what_, keys_start, kind_name(keys.root().kind));
    ByteReader in(bytes_.subspan(offset_), what_, offset_);
    for (const Value* key : keys.root().items) {
      check<FormatError>(key->kind == Kind::String, "{}: storage key list holds a {}", what_, kind_name(key->kind));
      const auto ref = refs_.find(key->text);
      check<FormatError>(ref != refs_.end(), "{}: storage '{}' is stored but never used", what_, key->text);
      check<FormatError>(data_.count(key->text) == 0, "{}: storage '{}' is stored twice", what_, key->text);
      const std::string item = fmt::format("storage '{}'", key->text);
      const size_t start = in.file_offset();
      const uint64_t count = big_endian_ ? in.be(8, item) : in.le(8, item);
      check<FormatError>(count == ref->second.numel, "{}: {} at byte {} holds {} elements but is declared with {}",
                         what_, item, start, count, ref->second.numel);
      data_.emplace(key->text, in.take(count * ref->second.type->size, item));
    }
  }

  std::span<const std::byte> bytes_;
  std::string_view what_;
  size_t offset_ = 0;
  bool big_endian_ = false;
  std::map<std::string, StorageRef> refs_;
  std::map<std::string, std::span<const std::byte>> data_;
};

}  // namespace

StateDict read_legacy_checkpoint(std::span<const std::byte> file_bytes, std::string_view what) {
  return LegacyReader(file_bytes, what).run();
}

}  // namespace ttnn::io::pth
