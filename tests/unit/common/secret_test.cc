#include "common/secret.h"

#include <catch2/catch.hpp>
#include <cctype>
#include <set>

namespace gureum {
namespace {

TEST_CASE("RandomToken draws alphanumerics of the asked length, never repeating") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string token = RandomToken(40);
    REQUIRE(token.size() == 40);
    for (char c : token) REQUIRE(std::isalnum(static_cast<unsigned char>(c)));
    seen.insert(token);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("HashSecret salts: one secret hashes differently each time, verifies each time") {
  SecretDigest a = HashSecret("s3cret");
  SecretDigest b = HashSecret("s3cret");
  CHECK(a.salt.size() == 32);
  CHECK(a.hash.size() == 64);
  CHECK(a.salt != b.salt);
  CHECK(a.hash != b.hash);
  CHECK(a.hash.find("s3cret") == std::string::npos);
  CHECK(VerifySecret("s3cret", a));
  CHECK(VerifySecret("s3cret", b));
}

TEST_CASE("VerifySecret refuses another secret, a prefix, and a damaged digest") {
  SecretDigest d = HashSecret("correct horse");
  CHECK_FALSE(VerifySecret("correct hors", d));
  CHECK_FALSE(VerifySecret("correct horse ", d));
  CHECK_FALSE(VerifySecret("", d));
  SecretDigest damaged = d;
  damaged.hash[0] = damaged.hash[0] == 'a' ? 'b' : 'a';
  CHECK_FALSE(VerifySecret("correct horse", damaged));
  SecretDigest short_hash = d;
  short_hash.hash.pop_back();
  CHECK_FALSE(VerifySecret("correct horse", short_hash));
}

}  // namespace
}  // namespace gureum
