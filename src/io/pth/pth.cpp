#include "ttnn/io/pth.hpp"

#include <fstream>
#include <string>
#include <vector>

#include "core/check.hpp"
#include "io/pth/legacy_reader.hpp"
#include "io/pth/zip_reader.hpp"

namespace ttnn::io {
namespace {

bool starts_with(std::span<const std::byte> bytes, std::string_view prefix, size_t at = 0) {
  if (bytes.size() < at + prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (bytes[at + i] != static_cast<std::byte>(prefix[i])) return false;
  return true;
}

}  // namespace

StateDict parse_state_dict(std::span<const std::byte> file_bytes, std::string_view what) {
  if (starts_with(file_bytes, "PK\x03\x04") || starts_with(file_bytes, "PK\x05\x06"))
    return pth::read_zip_checkpoint(file_bytes, what);
  if (starts_with(file_bytes, "\x80")) return pth::read_legacy_checkpoint(file_bytes, what);
  check<FormatError>(!starts_with(file_bytes, "ustar", 257),
                     "{}: tar-format checkpoint (torch < 0.4) is not supported; re-save it with torch.save", what);
  std::string head;
  for (size_t i = 0; i < std::min<size_t>(file_bytes.size(), 8); ++i)
    head += fmt::format("{:02x} ", static_cast<unsigned>(file_bytes[i]));
  fail<FormatError>("{}: not a PyTorch checkpoint (neither a zip archive nor a pickle stream); {} bytes, "
                    "starting {}", what, file_bytes.size(), file_bytes.empty() ? "(empty)" : head);
}

StateDict load_state_dict(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  check(file.good(), "load_state_dict: cannot open '{}'", path.string());
  const auto size = static_cast<std::streamoff>(file.tellg());
  check(size >= 0, "load_state_dict: cannot read the size of '{}'", path.string());
  std::vector<std::byte> bytes(static_cast<size_t>(size));
  file.seekg(0);
  file.read(reinterpret_cast<char*>(bytes.data()), size);
  check(file.good() || (size == 0 && !file.bad()), "load_state_dict: reading '{}' failed", path.string());
  return parse_state_dict(bytes, path.string());
}

}  // namespace ttnn::io
