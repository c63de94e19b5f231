// SHA-256 with OpenSSL EVP (libssl-dev), and the hash-prefix check torch.hub applies to its downloads.
#include "io/download/sha256.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <vector>

#include "ttnn/io/download.hpp"

namespace ttnn::io {
namespace detail {

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr) throw Error("SHA-256: EVP_MD_CTX_new failed (out of memory)");
  reset();
}

Sha256::~Sha256() { EVP_MD_CTX_free(context_); }

void Sha256::reset() {
  if (EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) != 1) throw Error("SHA-256: EVP_DigestInit_ex failed");
}

void Sha256::update(const void* data, size_t size) {
  if (size != 0 && EVP_DigestUpdate(context_, data, size) != 1) throw Error("SHA-256: EVP_DigestUpdate failed");
}

std::string Sha256::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_, digest, &length) != 1) throw Error("SHA-256: EVP_DigestFinal_ex failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

}  // namespace detail

std::string sha256_hex(std::span<const std::byte> bytes) {
  detail::Sha256 hash;
  hash.update(bytes.data(), bytes.size());
  return hash.hex_digest();
}

std::string sha256_file(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("sha256_file: cannot open " + file.string() + ": " + std::strerror(errno));
  detail::Sha256 hash;
  std::vector<char> buffer(1 << 20);
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      throw Error("sha256_file: cannot read " + file.string() + ": " + std::strerror(saved));
    }
    hash.update(buffer.data(), static_cast<size_t>(got));
  }
  ::close(fd);
  return hash.hex_digest();
}

bool sha256_matches_prefix(std::string_view sha256_hex, std::string_view prefix) {
  if (prefix.size() > sha256_hex.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(prefix[i])) != std::tolower(static_cast<unsigned char>(sha256_hex[i])))
      return false;
  return true;
}

}  // namespace ttnn::io
