#include "controller/store/key_pair_repository.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

KeyPairRecord MakeKey(const std::string& id, const std::string& project, const std::string& name) {
  return KeyPairRecord{id, project, name, "ed25519", "SHA256:" + name, "ssh-ed25519 AAAA" + name,
                       77};
}

}  // namespace

TEST_CASE("a key pair row survives the round trip and lists by project and name") {
  // This test verifies that a key pair row reads back by name and by id, lists by project and name,
  // and can be deleted.
  testing::StoreFixture f;
  f.Run([](Repositories& repos) {
    repos.key_pairs.Insert(MakeKey("key-0000000b", "p1", "zeta"));
    repos.key_pairs.Insert(MakeKey("key-0000000a", "p1", "alpha"));
    repos.key_pairs.Insert(MakeKey("key-0000000c", "p2", "alpha"));
  });
  auto k = f.Get<std::optional<KeyPairRecord>>(
      [](Repositories& repos) { return repos.key_pairs.GetByName("p2", "alpha"); });
  REQUIRE(k.has_value());
  CHECK(k->key_pair_id == "key-0000000c");
  CHECK(k->key_type == "ed25519");
  CHECK(k->fingerprint == "SHA256:alpha");
  CHECK(k->public_key == "ssh-ed25519 AAAAalpha");
  CHECK(k->created_at == 77);
  auto by_id = f.Get<std::optional<KeyPairRecord>>(
      [](Repositories& repos) { return repos.key_pairs.GetById("key-0000000b"); });
  REQUIRE(by_id.has_value());
  CHECK(by_id->key_name == "zeta");
  CHECK(by_id->project_id == "p1");
  CHECK_FALSE(f.Get<bool>(
      [](Repositories& repos) { return repos.key_pairs.GetByName("p1", "nope").has_value(); }));

  auto names = [&](const std::string& project) {
    std::vector<std::string> out;
    for (const auto& r : f.Get<std::vector<KeyPairRecord>>(
             [&](Repositories& repos) { return repos.key_pairs.List(project); })) {
      out.push_back(r.key_name);
    }
    return out;
  };
  CHECK(names("p1") == std::vector<std::string>{"alpha", "zeta"});
  CHECK(names("p2") == std::vector<std::string>{"alpha"});

  f.Run([](Repositories& repos) { repos.key_pairs.Delete("key-0000000a"); });
  CHECK(names("p1") == std::vector<std::string>{"zeta"});
}

TEST_CASE("a key name is unique within its project") {
  // This test verifies that a key name is unique within its project (the constraint behind
  // InvalidKeyPair.Duplicate).
  testing::StoreFixture f;
  f.Run([](Repositories& repos) { repos.key_pairs.Insert(MakeKey("key-0000000a", "p1", "k")); });
  absl::Status status = f.store().Write([](Repositories& repos) {
    repos.key_pairs.Insert(MakeKey("key-0000000b", "p1", "k"));
    return absl::OkStatus();
  });
  CHECK(status.code() == absl::StatusCode::kInternal);
}

}  // namespace gureum::controller
