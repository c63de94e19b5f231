#include "io/pth/tensor_rebuild.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <exception>
#include <iterator>
#include <map>
#include <unordered_map>
#include <thread>
#include <vector>

#include <fmt/ranges.h>

#include "core/check.hpp"
#include "core/threads_or_inline.hpp"

namespace ttnn::io::pth {
namespace {

// Overlapping views (stride 0, torch's expand) may decode to more elements than the file stores; this
// bounds that blow-up so a few hundred bytes cannot ask for gigabytes.
constexpr uint64_t kExpansionFactor = 16;
constexpr uint64_t kExpansionSlack = uint64_t{1} << 20;
constexpr uint64_t kMaxDim = UINT32_MAX;

constexpr std::string_view kRebuildV2 = "torch._utils._rebuild_tensor_v2";
constexpr std::string_view kRebuildV1 = "torch._utils._rebuild_tensor";
constexpr std::string_view kRebuildParameter = "torch._utils._rebuild_parameter";

// Saturating arithmetic: a saturated result is always out of bounds.
uint64_t add_sat(uint64_t a, uint64_t b) {
  uint64_t out = 0;
  return __builtin_add_overflow(a, b, &out) ? UINT64_MAX : out;
}
uint64_t mul_sat(uint64_t a, uint64_t b) {
  uint64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? UINT64_MAX : out;
}

bool is_tensor(const Value& value) {
  return value.kind == Kind::Call &&
         (value.text == kRebuildV2 || value.text == kRebuildV1 || value.text == kRebuildParameter);
}

std::string describe(const Value& value) {
  if (value.kind == Kind::Call) return fmt::format("{} object", value.text);
  return std::string(kind_name(value.kind));
}

struct TensorSpec {
  std::string key;
  StorageRef storage;
  uint64_t offset = 0;
  std::vector<uint64_t> sizes;
  std::vector<uint64_t> strides;
  uint64_t volume = 1;
};

class Rebuilder {
 public:
  Rebuilder(const StorageSource& source, std::string_view what) : source_(source), what_(what) {}

  StateDict run(const Value& root) {
    const Value& dict = select_dict(root);
    std::vector<TensorSpec> specs;
    std::unordered_map<std::string, size_t> position;
    for (size_t i = 0; i < dict.entries.size(); ++i) {
      const auto& [key, value] = dict.entries[i];
      check<FormatError>(key->kind == Kind::String, "{}: state dict key #{} is a {}, not a string", what_, i,
                         describe(*key));
      check<FormatError>(is_tensor(*value), "{}: entry '{}' is a {}, not a tensor (expected a dict of tensors)",
                         what_, key->text, describe(*value));
      TensorSpec spec = parse_tensor(key->text, *value);
      // Python dict semantics: a repeated key keeps its first position and its last value.
      const auto [slot, inserted] = position.try_emplace(spec.key, specs.size());
      if (inserted) specs.push_back(std::move(spec));
      else specs[slot->second] = std::move(spec);
    }
    check_budget(specs);
    // Storages resolved in order (the source reads and checks each once, and is not thread-safe), then the
    // tensors converted on the machine's cores: copying a checkpoint into fresh arrays, page faults and
    // all, was most of loading it.
    std::vector<StorageBytes> storages;
    storages.reserve(specs.size());
    for (const auto& spec : specs) storages.push_back(resolve(spec.storage));
    std::vector<HostArray> arrays(specs.size());
    convert_in_parallel(specs, storages, arrays);
    StateDict out;
    for (size_t i = 0; i < specs.size(); ++i) out.insert(specs[i].key, std::move(arrays[i]));
    return out;
  }

 private:
  // The top object, or the dict under "state_dict" / "model" of a training checkpoint.
  const Value& select_dict(const Value& root) const {
    check<FormatError>(root.kind == Kind::Dict, "{}: top-level object is a {}, not a dict of tensors", what_,
                       describe(root));
    const bool all_tensors = std::all_of(root.entries.begin(), root.entries.end(),
                                         [](const auto& entry) { return is_tensor(*entry.second); });
    if (all_tensors) return root;
    for (const std::string_view wrapper : {"state_dict", "model"}) {
      const Value* inner = dict_get(root, wrapper);
      if (inner != nullptr && inner->kind == Kind::Dict) return *inner;
    }
    return root;  // reported entry by entry
  }

  template <class... Args>
  [[noreturn]] void error(const std::string& key, fmt::format_string<Args...> format, Args&&... args) const {
    fail<FormatError>("{}: tensor '{}': {}", what_, key, fmt::format(format, std::forward<Args>(args)...));
  }

  uint64_t as_count(const std::string& key, const Value* value, std::string_view field) const {
    if (value->kind != Kind::Int || value->integer < 0)
      error(key, "{} is a {} (expected a non-negative int)", field,
            value->kind == Kind::Int ? fmt::format("negative int {}", value->integer) : describe(*value));
    return static_cast<uint64_t>(value->integer);
  }

  std::vector<uint64_t> as_dims(const std::string& key, const Value* value, std::string_view field) const {
    if (value->kind != Kind::Tuple && value->kind != Kind::List)
      error(key, "{} is a {} (expected a tuple of ints)", field, describe(*value));
    if (value->items.size() > Shape::kMaxRank)
      error(key, "{} has {} dimensions (at most {} supported)", field, value->items.size(), Shape::kMaxRank);
    std::vector<uint64_t> dims;
    for (const Value* item : value->items) dims.push_back(as_count(key, item, field));
    return dims;
  }

  TensorSpec parse_tensor(const std::string& key, const Value& call) const {
    const Value* tensor = &call;
    if (call.text == kRebuildParameter) {  // Parameter(data, requires_grad, backward_hooks)
      if (call.items.empty() || (call.items[0]->kind != Kind::Call) ||
          (call.items[0]->text != kRebuildV2 && call.items[0]->text != kRebuildV1))
        error(key, "_rebuild_parameter does not wrap a tensor");
      tensor = call.items[0];
    }
    const auto& args = tensor->items;
    const bool v2 = tensor->text == kRebuildV2;
    if ((v2 && args.size() != 6 && args.size() != 7) || (!v2 && args.size() != 4))
      error(key, "{} called with {} arguments", tensor->text, args.size());
    if (args[0]->kind != Kind::PersistentId)
      error(key, "storage argument is a {}, not a persistent storage id", describe(*args[0]));
    TensorSpec spec;
    spec.key = key;
    spec.storage = parse_storage_pid(*args[0]->items[0], fmt::format("{}: tensor '{}'", what_, key));
    spec.offset = as_count(key, args[1], "storage offset");
    spec.sizes = as_dims(key, args[2], "size");
    spec.strides = as_dims(key, args[3], "stride");
    if (spec.sizes.size() != spec.strides.size())
      error(key, "size has {} dimensions but stride has {}", spec.sizes.size(), spec.strides.size());
    for (const uint64_t size : spec.sizes) {
      if (size > kMaxDim) error(key, "dimension {} exceeds {}", size, kMaxDim);
      spec.volume = mul_sat(spec.volume, size);
    }
    if (spec.volume > (uint64_t{1} << 40)) error(key, "sizes [{}] hold too many elements", fmt::join(spec.sizes, ", "));
    check_view(spec);
    return spec;
  }

  uint64_t available(const TensorSpec& spec) const {
    return spec.storage.view ? spec.storage.view->numel : spec.storage.numel;
  }

  // Every element the view reads lies inside its storage.
  void check_view(const TensorSpec& spec) const {
    const auto& ref = spec.storage;
    if (ref.view && (ref.view->offset > ref.numel || ref.view->numel > ref.numel - ref.view->offset))
      error(spec.key, "storage view [{}, {}) lies outside storage '{}' of {} elements", ref.view->offset,
            add_sat(ref.view->offset, ref.view->numel), ref.key, ref.numel);
    const uint64_t numel = available(spec);
    if (spec.volume == 0) {
      if (spec.offset > numel) error(spec.key, "storage offset {} beyond {} elements", spec.offset, numel);
      return;
    }
    uint64_t last = spec.offset;
    for (size_t d = 0; d < spec.sizes.size(); ++d) last = add_sat(last, mul_sat(spec.sizes[d] - 1, spec.strides[d]));
    if (last < numel) return;
    const uint64_t base = ref.view ? ref.view->offset : 0;
    const uint64_t size = ref.type->size;
    error(spec.key,
          "view (offset {}, sizes [{}], strides [{}]) reads {} elements up to index {}, storage bytes [{}, {}), "
          "but storage '{}' holds {} elements ({} bytes)",
          spec.offset, fmt::join(spec.sizes, ", "), fmt::join(spec.strides, ", "), ref.type->name, last,
          mul_sat(add_sat(base, spec.offset), size), mul_sat(add_sat(add_sat(base, last), 1), size), ref.key,
          numel, numel * size);
  }

  void check_budget(const std::vector<TensorSpec>& specs) const {
    std::map<std::string, const StorageRef*> storages;
    uint64_t stored = 0;
    for (const auto& spec : specs) {
      const auto [slot, inserted] = storages.try_emplace(spec.storage.key, &spec.storage);
      const StorageRef& first = *slot->second;
      if (inserted) stored += spec.storage.numel;
      else if (first.type != spec.storage.type || first.numel != spec.storage.numel)
        error(spec.key, "storage '{}' is {} x {} here but {} x {} elsewhere", spec.storage.key,
              spec.storage.type->name, spec.storage.numel, first.type->name, first.numel);
    }
    uint64_t decoded = 0;
    const uint64_t budget = stored * kExpansionFactor + kExpansionSlack;
    for (const auto& spec : specs) {
      decoded += spec.volume;
      if (decoded > budget)
        error(spec.key, "overlapping views decode to more than {} elements from {} stored ones", budget, stored);
    }
  }

  // Storage elements from `index` on as floats: a range that fills a vector in one pass.
  struct Converted {
    using iterator_category = std::forward_iterator_tag;
    using value_type = float;
    using difference_type = std::ptrdiff_t;
    using pointer = const float*;
    using reference = float;
    const StorageRef* ref;
    const StorageBytes* storage;
    uint64_t index;
    float operator*() const {
      // The usual checkpoint (little-endian float32 on a little-endian host): a plain load.
      if (ref->type->dtype == DType::Float32 && !storage->big_endian && std::endian::native == std::endian::little) {
        float value;
        std::memcpy(&value, storage->bytes.data() + index * sizeof(float), sizeof value);
        return value;
      }
      return load_as_float(*ref->type, storage->bytes.data(), index, storage->big_endian);
    }
    Converted& operator++() {
      ++index;
      return *this;
    }
    Converted operator++(int) {
      Converted before = *this;
      ++index;
      return before;
    }
    bool operator==(const Converted& other) const { return index == other.index; }
  };

  // Row-major strides: element i of the view is element i of the storage from its offset.
  static bool contiguous(const TensorSpec& spec) {
    uint64_t stride = 1;
    for (size_t d = spec.sizes.size(); d-- > 0;) {
      if (spec.sizes[d] != 1 && spec.strides[d] != stride) return false;
      stride *= spec.sizes[d];
    }
    return true;
  }

  StorageBytes resolve(const StorageRef& ref) const {
    const StorageBytes storage = source_(ref);
    const uint64_t expected = ref.numel * ref.type->size;
    check<FormatError>(storage.bytes.size() == expected, "{}: storage '{}' has {} bytes, expected {} ({} x {})",
                       what_, ref.key, storage.bytes.size(), expected, ref.numel, ref.type->name);
    return storage;
  }

  // arrays[i] = specs[i] converted, on up to one thread a core in contiguous runs of about equal volume;
  // the first failure (by index) is rethrown once every thread has stopped.
  static void convert_in_parallel(const std::vector<TensorSpec>& specs, const std::vector<StorageBytes>& storages,
                                  std::vector<HostArray>& arrays) {
    constexpr uint64_t kVolumePerThread = uint64_t{1} << 20;  // below this, a thread costs more than it saves
    if (specs.empty()) return;
    uint64_t total = 0;
    for (const auto& spec : specs) total += spec.volume;
    const size_t threads = size_t(std::clamp<uint64_t>(std::min<uint64_t>(std::thread::hardware_concurrency(), 8), 1,
                                                        std::max<uint64_t>(1, total / kVolumePerThread)));
    std::vector<size_t> ends;  // run t is specs [ends[t - 1], ends[t]); at most `threads` runs
    uint64_t done = 0;
    for (size_t i = 0; i + 1 < specs.size(); ++i) {
      done += specs[i].volume;
      if (ends.size() + 1 < threads && done * threads >= total * (ends.size() + 1)) ends.push_back(i + 1);
    }
    ends.push_back(specs.size());
    std::vector<std::exception_ptr> errors(specs.size());
    const auto run = [&](size_t t) {
      for (size_t i = t == 0 ? 0 : ends[t - 1]; i < ends[t]; ++i) {
        try {
          arrays[i] = convert(specs[i], storages[i]);
        } catch (...) {
          errors[i] = std::current_exception();
          return;
        }
      }
    };
    run_on_threads_or_inline(ends.size(), run);
    for (const auto& error : errors)
      if (error) std::rethrow_exception(error);
  }

  static HostArray convert(const TensorSpec& spec, const StorageBytes& storage) {
    const auto& ref = spec.storage;
    std::vector<uint32_t> dims(spec.sizes.begin(), spec.sizes.end());
    HostArray array{Shape(std::span<const uint32_t>(dims)), {}};
    uint64_t position = (ref.view ? ref.view->offset : 0) + spec.offset;
    if (contiguous(spec)) {  // the usual case: converted in order, without zero-filling the array first
      const Converted begin{&ref, &storage, position}, end{&ref, &storage, position + spec.volume};
      array.values.assign(begin, end);
      return array;
    }
    array.values.resize(spec.volume);
    const size_t rank = spec.sizes.size();
    std::array<uint64_t, Shape::kMaxRank> index{};
    for (uint64_t i = 0; i < spec.volume; ++i) {
      array.values[i] = load_as_float(*ref.type, storage.bytes.data(), position, storage.big_endian);
      for (size_t d = rank; d-- > 0;) {  // odometer over the view's indices
        position += spec.strides[d];
        if (++index[d] < spec.sizes[d]) break;
        position -= spec.strides[d] * spec.sizes[d];
        index[d] = 0;
      }
    }
    return array;
  }

  const StorageSource& source_;
  std::string_view what_;
};

}  // namespace

StorageRef parse_storage_pid(const Value& pid, std::string_view context) {
  check<FormatError>(pid.kind == Kind::Tuple && (pid.items.size() == 5 || pid.items.size() == 6) &&
                         pid.items[0]->kind == Kind::String && pid.items[0]->text == "storage",
                     "{}: persistent id is not ('storage', type, key, location, numel[, view])", context);
  const auto& items = pid.items;
  StorageRef ref;
  check<FormatError>(items[1]->kind == Kind::Global, "{}: storage type is a {}, not a torch storage type", context,
                     kind_name(items[1]->kind));
  ref.type = dtype_from_storage_global(items[1]->text);
  check<FormatError>(ref.type != nullptr, "{}: unsupported storage type '{}'", context, items[1]->text);
  check<FormatError>(items[2]->kind == Kind::String, "{}: storage key is a {}, not a str", context,
                     kind_name(items[2]->kind));
  ref.key = items[2]->text;
  check<FormatError>(items[4]->kind == Kind::Int && items[4]->integer >= 0 &&
                         static_cast<uint64_t>(items[4]->integer) <= UINT64_MAX / 8,
                     "{}: storage '{}' has an invalid element count", context, ref.key);
  ref.numel = static_cast<uint64_t>(items[4]->integer);
  if (items.size() == 6 && items[5]->kind != Kind::None) {  // legacy (view_key, offset, numel)
    const Value& view = *items[5];
    const bool valid = view.kind == Kind::Tuple && view.items.size() == 3 && view.items[1]->kind == Kind::Int &&
                       view.items[2]->kind == Kind::Int && view.items[1]->integer >= 0 &&
                       view.items[2]->integer >= 0;
    check<FormatError>(valid, "{}: storage '{}' has a malformed view description", context, ref.key);
    ref.view = StorageRef::View{static_cast<uint64_t>(view.items[1]->integer),
                                static_cast<uint64_t>(view.items[2]->integer)};
  }
  return ref;
}

StateDict rebuild_state_dict(const Value& root, const StorageSource& source, std::string_view what) {
  return Rebuilder(source, what).run(root);
}

}  // namespace ttnn::io::pth
