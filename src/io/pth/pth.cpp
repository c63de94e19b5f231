#include "ttnn/io/pth.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

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
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  check(fd >= 0, "load_state_dict: cannot open '{}': {}", path.string(), std::strerror(errno));
  struct stat info {};
  const bool sized = ::fstat(fd, &info) == 0;
  const int stat_errno = errno;
  if (!sized) ::close(fd);
  check(sized, "load_state_dict: cannot read the size of '{}': {}", path.string(), std::strerror(stat_errno));
  const auto size = static_cast<size_t>(info.st_size);
  if (size == 0) {
    ::close(fd);
    return parse_state_dict({}, path.string());
  }
  // Mapped, not read: the checkpoint's pages come straight from the page cache (a read() copy into a
  // zero-filled buffer cost a fifth of the time to first result). A file truncated by another process
  // while it is parsed would fault (SIGBUS): checkpoints are not rewritten in place while they load.
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  const int map_errno = errno;
  ::close(fd);
  check(mapped != MAP_FAILED, "load_state_dict: cannot map '{}': {}", path.string(), std::strerror(map_errno));
  struct Unmap {
    void* data;
    size_t size;
    ~Unmap() { ::munmap(data, size); }
  } const mapping{mapped, size};
  return parse_state_dict({static_cast<const std::byte*>(mapped), size}, path.string());
}

}  // namespace ttnn::io
