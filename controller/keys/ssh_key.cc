#include "controller/keys/ssh_key.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <absl/strings/escaping.h>

#include <memory>
#include <sstream>
#include <vector>

#include "common/api_error.h"
#include "common/sha256.h"

namespace gureum::controller {
namespace {

// SSH wire format (RFC 4251): uint32 lengths, strings and mpints.
void PutU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}
void PutString(std::string& out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}
void PutMpint(std::string& out, const BIGNUM* bn) {
  std::string bytes(BN_num_bytes(bn), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80)) bytes.insert(0, 1, '\0');
  PutString(out, bytes);
}

std::string Fingerprint(const std::string& blob) {
  // OpenSSH prints SHA256 fingerprints as unpadded base64 of the digest.
  std::string hex = Sha256Hex(blob);
  std::string raw;
  for (size_t i = 0; i < hex.size(); i += 2) {
    raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  std::string b64 = absl::Base64Escape(raw);
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "SHA256:" + b64;
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

std::string WrapPem(const std::string& label, const std::string& der) {
  std::string b64 = absl::Base64Escape(der);
  std::string out = "-----BEGIN " + label + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 70) out += b64.substr(i, 70) + "\n";
  return out + "-----END " + label + "-----\n";
}

absl::StatusOr<GeneratedKeyPair> GenerateRsa() {
  Pkey key(EVP_RSA_gen(2048));
  if (!key) return absl::InternalError("RSA key generation failed");
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n);
  EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e);
  std::string blob;
  PutString(blob, "ssh-rsa");
  PutMpint(blob, e);
  PutMpint(blob, n);
  BN_free(n);
  BN_free(e);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  return GeneratedKeyPair{"rsa", pem, "ssh-rsa " + absl::Base64Escape(blob), Fingerprint(blob)};
}

absl::StatusOr<GeneratedKeyPair> GenerateEd25519() {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return absl::InternalError("Ed25519 key generation failed");
  unsigned char pub[32];
  unsigned char priv[32];
  size_t pub_len = sizeof pub;
  size_t priv_len = sizeof priv;
  EVP_PKEY_get_raw_public_key(key.get(), pub, &pub_len);
  EVP_PKEY_get_raw_private_key(key.get(), priv, &priv_len);
  std::string pub_bytes(reinterpret_cast<char*>(pub), pub_len);
  std::string blob;
  PutString(blob, "ssh-ed25519");
  PutString(blob, pub_bytes);
  // OpenSSH private key format ("openssh-key-v1", unencrypted).
  uint32_t check = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&check), sizeof check);
  std::string section;
  PutU32(section, check);
  PutU32(section, check);
  PutString(section, "ssh-ed25519");
  PutString(section, pub_bytes);
  PutString(section, std::string(reinterpret_cast<char*>(priv), priv_len) + pub_bytes);
  PutString(section, "gureum");
  for (char pad = 1; section.size() % 8 != 0; ++pad) section.push_back(pad);
  std::string body("openssh-key-v1\0", 15);
  PutString(body, "none");
  PutString(body, "none");
  PutString(body, "");
  PutU32(body, 1);
  PutString(body, blob);
  PutString(body, section);
  OPENSSL_cleanse(priv, sizeof priv);
  return GeneratedKeyPair{"ed25519", WrapPem("OPENSSH PRIVATE KEY", body),
                          "ssh-ed25519 " + absl::Base64Escape(blob), Fingerprint(blob)};
}

absl::Status BadKey(const std::string& why) {
  return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidKeyFormat, "PublicKeyMaterial",
                  "Key is not in valid OpenSSH public key format: " + why);
}

}  // namespace

absl::StatusOr<GeneratedKeyPair> GenerateKeyPair(const std::string& key_type) {
  if (key_type.empty() || key_type == "rsa") return GenerateRsa();
  if (key_type == "ed25519") return GenerateEd25519();
  return InvalidParameter("KeyType", "KeyType must be 'rsa' or 'ed25519', not '" + key_type + "'");
}

absl::StatusOr<ParsedPublicKey> ParsePublicKey(const std::string& material) {
  std::istringstream in(material);
  std::string type, b64;
  in >> type >> b64;
  if (type.empty() || b64.empty()) return BadKey("expected '<type> <base64> [comment]'");
  std::string kind;
  if (type == "ssh-rsa") {
    kind = "rsa";
  } else if (type == "ssh-ed25519") {
    kind = "ed25519";
  } else if (type.rfind("ecdsa-sha2-nistp", 0) == 0) {
    kind = "ecdsa";
  } else {
    return BadKey("unsupported key type '" + type + "' (ssh-rsa, ssh-ed25519, ecdsa-sha2-*)");
  }
  std::string blob;
  if (!absl::Base64Unescape(b64, &blob) || blob.size() < 4) return BadKey("bad base64");
  uint32_t len = (static_cast<uint8_t>(blob[0]) << 24) | (static_cast<uint8_t>(blob[1]) << 16) |
                 (static_cast<uint8_t>(blob[2]) << 8) | static_cast<uint8_t>(blob[3]);
  if (len + 4 > blob.size() || blob.substr(4, len) != type) {
    return BadKey("the key data does not match its type '" + type + "'");
  }
  if (kind == "ed25519" && blob.size() != 4 + len + 4 + 32) return BadKey("bad ed25519 key length");
  if (kind == "rsa" && blob.size() < 4 + len + 128) return BadKey("RSA key too short");
  return ParsedPublicKey{kind, type + " " + b64, Fingerprint(blob)};
}

}  // namespace gureum::controller
