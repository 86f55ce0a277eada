// Secrets that the controller hands out once (API key secrets, join tokens):
// generated from OpenSSL's CSPRNG, stored only as a salted SHA-256 and
// compared in constant time. The secrets carry 240 bits of entropy, so a fast
// salted hash is enough (a slow KDF protects low-entropy passwords, not random
// keys); the salt keeps equal secrets from having equal stored hashes.
#pragma once

#include <string>
#include <string_view>

namespace gureum {

// `length` characters from [A-Za-z0-9] drawn with RAND_bytes (rejection
// sampling, no modulo bias).
std::string RandomToken(size_t length);

struct SecretDigest {
  std::string salt;  // 32 hex digits
  std::string hash;  // 64 hex digits: SHA-256(salt || secret)
};

SecretDigest HashSecret(std::string_view secret);
// True if `secret` hashes to `digest` (constant-time comparison).
bool VerifySecret(std::string_view secret, const SecretDigest& digest);

}  // namespace gureum
