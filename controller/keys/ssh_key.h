// SSH key pairs: generation (RSA 2048 or Ed25519, OpenSSL), parsing and
// validation of OpenSSH public keys, and OpenSSH-style SHA256 fingerprints.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include <absl/status/statusor.h>

namespace gureum::controller {

struct GeneratedKeyPair {
  std::string key_type;     // "rsa" | "ed25519"
  std::string private_key;  // PEM (RSA, PKCS#8) or OpenSSH format (Ed25519)
  std::string public_key;   // "ssh-rsa AAAA..." one line, no comment
  std::string fingerprint;  // "SHA256:..."
};

struct ParsedPublicKey {
  std::string key_type;    // "rsa" | "ed25519" | "ecdsa"
  std::string public_key;  // normalised "type base64" (comment dropped)
  std::string fingerprint;
};

absl::StatusOr<GeneratedKeyPair> GenerateKeyPair(const std::string& key_type);
// InvalidKey.Format naming PublicKeyMaterial when it is not an OpenSSH key.
absl::StatusOr<ParsedPublicKey> ParsePublicKey(const std::string& material);

}  // namespace gureum::controller
