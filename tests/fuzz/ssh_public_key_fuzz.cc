// Fuzzes ParsePublicKey, which reads ImportKeyPair's PublicKeyMaterial (an
// OpenSSH "type base64 [comment]" line from the user) and whose output is
// written into guests' authorized_keys by cloud-init.
//
// Input: the key material. An accepted key must be one line "type base64"
// with a known type, a SHA256 fingerprint of OpenSSH's shape, and parse again
// to itself; a refused one is InvalidArgument.

#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/keys/ssh_key.h"
#include "tests/fuzz/fuzz_check.h"

using gureum::controller::ParsedPublicKey;
using gureum::controller::ParsePublicKey;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string material(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<ParsedPublicKey> key = ParsePublicKey(material);
  if (!key.ok()) {
    FUZZ_CHECK(key.status().code() == absl::StatusCode::kInvalidArgument,
               "a bad key is InvalidArgument");
    return 0;
  }
  FUZZ_CHECK(key->key_type == "rsa" || key->key_type == "ed25519" || key->key_type == "ecdsa",
             "known key type");
  // "SHA256:" and 43 characters of unpadded base64 (32 bytes).
  FUZZ_CHECK(key->fingerprint.size() == 7 + 43 && key->fingerprint.rfind("SHA256:", 0) == 0,
             "fingerprint shape");
  for (unsigned char c : key->public_key) {
    FUZZ_CHECK(c > 0x20 || c == ' ', "no line breaks or controls in the stored key");
  }
  FUZZ_CHECK(key->public_key.find(' ') == key->public_key.rfind(' '),
             "the stored key is 'type base64', no comment");
  absl::StatusOr<ParsedPublicKey> again = ParsePublicKey(key->public_key);
  FUZZ_CHECK(again.ok() && again->public_key == key->public_key &&
                 again->fingerprint == key->fingerprint && again->key_type == key->key_type,
             "the stored key parses to itself");
  return 0;
}
