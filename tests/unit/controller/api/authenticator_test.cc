#include "controller/api/authenticator.h"

#include <catch2/catch.hpp>

#include "common/secret.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

// A store with user alice (member of `default`) and her key GK1:s3cret.
class Fixture : public testing::StoreFixture {
 public:
  Fixture() : auth(store(), clock) {
    Run([](Repositories& repos) {
      repos.identity.InsertUser(UserRecord{"alice", "default", 1, {}});
      repos.identity.SetRole("alice", "default", "member");
      SecretDigest digest = HashSecret("s3cret");
      repos.access_keys.Insert(
          AccessKeyRecord{"GK1", "alice", digest.salt, digest.hash, "active", 1, 0});
    });
  }

  absl::StatusOr<RequestContext> Call(const std::string& api_key = "GK1:s3cret") {
    Credentials c;
    c.api_key = api_key;
    c.source = "ipv4:127.0.0.1:1";
    c.limit_key = "ipv4:127.0.0.1";
    return auth.Authenticate(c);
  }

  ManualClock clock;
  Authenticator auth;
};

}  // namespace

TEST_CASE("a key changed through the store is judged by its new state on the next call") {
  // This test verifies that the authenticator's key cache never outlives a
  // committed change: disabling, re-enabling, changing the role and deleting
  // the user take effect on the very next call.
  Fixture f;
  auto ok = f.Call();
  REQUIRE(ok.ok());
  CHECK(ok->actor == "alice");
  CHECK(ok->role == "member");
  CHECK(f.Call("GK1:wrong").status().code() == absl::StatusCode::kUnauthenticated);

  f.Run([](Repositories& repos) { repos.access_keys.SetStatus("GK1", "inactive"); });
  CHECK(f.Call().status().code() == absl::StatusCode::kUnauthenticated);
  f.Run([](Repositories& repos) { repos.access_keys.SetStatus("GK1", "active"); });
  REQUIRE(f.Call().ok());

  f.Run([](Repositories& repos) { repos.identity.SetRole("alice", "default", "reader"); });
  auto reader = f.Call();
  REQUIRE(reader.ok());
  CHECK(reader->role == "reader");

  f.Run([](Repositories& repos) { repos.access_keys.SetExpiry("GK1", 1'700'000'001'000); });
  REQUIRE(f.Call().ok());
  f.clock.Advance(std::chrono::seconds(1));
  CHECK(f.Call().status().code() == absl::StatusCode::kUnauthenticated);  // expired

  f.Run([](Repositories& repos) { repos.identity.DeleteUser("alice"); });
  CHECK(f.Call().status().code() == absl::StatusCode::kUnauthenticated);
}

TEST_CASE("a key changed behind the store's back is read again after the cache TTL") {
  // This test verifies that the TTL bounds how long a cached key is trusted
  // when the database is changed without the store (no generation bump).
  Fixture f;
  REQUIRE(f.Call().ok());
  {
    Database raw(f.path());
    raw.Exec("UPDATE access_keys SET status = 'inactive' WHERE access_key_id = 'GK1'");
  }
  CHECK(f.Call().ok());  // still the cached entry
  f.clock.Advance(std::chrono::milliseconds(Authenticator::kCacheTtlMs));
  CHECK(f.Call().status().code() == absl::StatusCode::kUnauthenticated);
}

}  // namespace gureum::controller
