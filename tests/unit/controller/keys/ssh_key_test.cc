#include "controller/keys/ssh_key.h"

#include <string>

#include <absl/strings/escaping.h>
#include <catch2/catch.hpp>

#include "common/api_error.h"

namespace gureum::controller {
namespace {

// Keys made with OpenSSH's ssh-keygen, and the fingerprints `ssh-keygen -l` printed.
constexpr const char* kEd25519 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN3SzpbevvCQoVGza9Z9kiJTxyTpjrtqTgWj4QbxopYk";
constexpr const char* kEd25519Fingerprint = "SHA256:cKeAsLAUdo+VD8uwMdDNJtA4MJ+89fR7oeNeS53dQow";
constexpr const char* kRsa =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQCZSsS1FiTIZW3cDTe3AlDVwN8E/2mZwlI/KceY+5b6rlLL5D7dfDegi7/"
    "RC4YfgA2wXNCMTihaXyxz5QFB24HDk/f8CH/yAoMdFWHv8If2uSWkgs//"
    "gySQYo0MDVWd7sB8WcuNduQ0xKQMWREvepfPCd"
    "LewQnh4JmzkEtYZ6PrLRKOssIlcFpWq8163oKpDM0Ane53OP2TAo72btNJWB8aHLAVZ9+"
    "u5mjVxU0sk7TtGt33VTWVMKRj9"
    "CteMuVOLcFigjksvwRZKmtZIzXnMUr1+ySs/"
    "k+TBgDQnNXQ8XYwbPmx6yf3XLwgQBsNAvBXu2SKGeAe3Vz8tzwQU1KEKnVB";
constexpr const char* kRsaFingerprint = "SHA256:3cIqCixhLs6U2cuiSKOnYmrNl4gA+deQxDgL6BtMb2Y";
constexpr const char* kEcdsa =
    "ecdsa-sha2-nistp256 "
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBDHV5YuI3ovBThPKx+BWPx+q32FKzluy8U8+zg2Ob/"
    "v2hcOPAOY6+ZaZ0cs1/ZJM7+Ur6/TG/w7eQ1LU3HkvR/s=";
constexpr const char* kEcdsaFingerprint = "SHA256:pr2N+ZZeqbJ2nJIr6Lzx4y2KHRix7AU+g+0X7D37fqM";

std::string SshString(const std::string& s) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((s.size() >> shift) & 0xff));
  return out + s;
}

void CheckBadKey(const std::string& material) {
  INFO("material: " << material);
  auto parsed = ParsePublicKey(material);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(ErrorCodeOf(parsed.status()) == "InvalidKey.Format");
  CHECK(ErrorFieldOf(parsed.status()) == "PublicKeyMaterial");
}

}  // namespace

TEST_CASE("OpenSSH public keys parse with the fingerprints ssh-keygen prints") {
  // This test verifies that real ed25519, RSA and ECDSA keys parse to their kind, the key without
  // its comment, and the SHA256 fingerprint OpenSSH prints.
  struct Case {
    std::string material, kind, fingerprint;
  };
  for (const Case& c :
       {Case{kEd25519, "ed25519", kEd25519Fingerprint}, Case{kRsa, "rsa", kRsaFingerprint},
        Case{kEcdsa, "ecdsa", kEcdsaFingerprint}}) {
    INFO(c.kind);
    auto parsed = ParsePublicKey(c.material + " someone@example\n");
    REQUIRE(parsed.ok());
    CHECK(parsed->key_type == c.kind);
    CHECK(parsed->public_key == c.material);
    CHECK(parsed->fingerprint == c.fingerprint);
  }
  auto padded = ParsePublicKey(std::string("  ") + kEd25519 + "\n");
  REQUIRE(padded.ok());
  CHECK(padded->public_key == kEd25519);
}

TEST_CASE("malformed public keys are InvalidKey.Format on PublicKeyMaterial") {
  // This test verifies that a key with no data, an unsupported type, bad base64, a blob of another
  // type or a truncated blob is InvalidKey.Format on PublicKeyMaterial.
  CheckBadKey("");
  CheckBadKey("ssh-ed25519");
  CheckBadKey("not a key at all");
  CheckBadKey("ssh-dss AAAAB3NzaC1kc3MAAACBAP");
  CheckBadKey("ssh-ed25519 !!!not-base64!!!");
  // The RSA key's data under the ed25519 label.
  const std::string rsa_data = std::string(kRsa).substr(8);
  CheckBadKey("ssh-ed25519 " + rsa_data);
  // An ed25519 key one byte short.
  CheckBadKey("ssh-ed25519 " +
              absl::Base64Escape(SshString("ssh-ed25519") + SshString(std::string(31, 'k'))));
  // An RSA key far too short to be real.
  CheckBadKey("ssh-rsa " +
              absl::Base64Escape(SshString("ssh-rsa") + SshString("\x01") + SshString("\x05")));
  // A blob whose length prefix runs past its end.
  CheckBadKey("ssh-ed25519 " + absl::Base64Escape(std::string("\x00\x00\x01\x00ssh", 7)));
}

TEST_CASE("generated key pairs have parseable public keys and consistent fingerprints") {
  // This test verifies that generated rsa (the default) and ed25519 keys parse as their type with
  // the same fingerprint, come with a private key in the promised format, and differ from one call
  // to the next.
  for (const std::string type : {"rsa", "ed25519", ""}) {
    INFO("type '" << type << "'");
    auto a = GenerateKeyPair(type);
    REQUIRE(a.ok());
    auto b = GenerateKeyPair(type);
    REQUIRE(b.ok());
    const std::string expected = type.empty() ? "rsa" : type;
    CHECK(a->key_type == expected);
    auto parsed = ParsePublicKey(a->public_key);
    REQUIRE(parsed.ok());
    CHECK(parsed->key_type == expected);
    CHECK(parsed->public_key == a->public_key);
    CHECK(parsed->fingerprint == a->fingerprint);
    CHECK_THAT(a->fingerprint, Catch::StartsWith("SHA256:"));
    CHECK(a->public_key != b->public_key);
    CHECK(a->private_key != b->private_key);
    if (expected == "rsa") {
      CHECK_THAT(a->private_key, Catch::StartsWith("-----BEGIN PRIVATE KEY-----\n"));
    } else {
      CHECK_THAT(a->private_key, Catch::StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
    }
  }
}

TEST_CASE("an unknown key type is refused naming KeyType") {
  // This test verifies that an unknown key type is InvalidParameterValue on KeyType.
  auto r = GenerateKeyPair("dsa");
  REQUIRE_FALSE(r.ok());
  CHECK(ErrorCodeOf(r.status()) == "InvalidParameterValue");
  CHECK(ErrorFieldOf(r.status()) == "KeyType");
}

}  // namespace gureum::controller
