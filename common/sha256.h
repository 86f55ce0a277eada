// SHA-256 (OpenSSL EVP) as lowercase hex, whole-buffer or streaming.
// A Sha256 object is used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace gureum {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // Finishes and returns 64 hex digits; the object may not be updated again.
  std::string HexDigest();

 private:
  evp_md_ctx_st* ctx_;
};

std::string Sha256Hex(std::string_view bytes);

}  // namespace gureum
