// Streaming SHA-256 over OpenSSL's EVP interface (internal to ttnn_io's download code).
#pragma once

#include <cstddef>
#include <string>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace ttnn::io::detail {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void reset();
  void update(const void* data, size_t size);
  // The lower-case hex digest of everything since the last reset; the object must be reset before reuse.
  std::string hex_digest();

 private:
  evp_md_ctx_st* context_;
};

}  // namespace ttnn::io::detail
