#include "common/secret.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "common/sha256.h"

namespace gureum {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

void FillRandom(unsigned char* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed: no randomness for a secret");
  }
}

std::string Hash(std::string_view salt, std::string_view secret) {
  Sha256 sha;
  sha.Update(salt);
  sha.Update(secret);
  return sha.HexDigest();
}

}  // namespace

std::string RandomToken(size_t length) {
  std::string out;
  out.reserve(length);
  std::array<unsigned char, 64> buf{};
  while (out.size() < length) {
    FillRandom(buf.data(), buf.size());
    for (unsigned char b : buf) {
      // 248 = 4 * 62: bytes above it would bias the first characters.
      if (b >= 248) continue;
      out.push_back(kAlphabet[b % kAlphabet.size()]);
      if (out.size() == length) break;
    }
  }
  return out;
}

SecretDigest HashSecret(std::string_view secret) {
  std::array<unsigned char, 16> raw{};
  FillRandom(raw.data(), raw.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string salt;
  for (unsigned char b : raw) {
    salt.push_back(kHex[b >> 4]);
    salt.push_back(kHex[b & 15]);
  }
  return SecretDigest{salt, Hash(salt, secret)};
}

bool VerifySecret(std::string_view secret, const SecretDigest& digest) {
  const std::string computed = Hash(digest.salt, secret);
  if (computed.size() != digest.hash.size()) return false;
  return CRYPTO_memcmp(computed.data(), digest.hash.data(), computed.size()) == 0;
}

}  // namespace gureum
