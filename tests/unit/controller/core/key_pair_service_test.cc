#include "controller/core/key_pair_service.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "controller/keys/ssh_key.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::CoreHarness;

constexpr const char* kSshKeygen = "/usr/bin/ssh-keygen";
constexpr const char* kEd25519 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN3SzpbevvCQoVGza9Z9kiJTxyTpjrtqTgWj4QbxopYk";
constexpr const char* kEd25519Fingerprint = "SHA256:cKeAsLAUdo+VD8uwMdDNJtA4MJ+89fR7oeNeS53dQow";

// Runs a shell command and returns what it printed on stdout.
std::string Capture(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  ::pclose(pipe);
  return out;
}

// "type base64" of an OpenSSH public key line (comment dropped).
std::string KeyPart(const std::string& line) {
  std::istringstream in(line);
  std::string type, data;
  in >> type >> data;
  return type + " " + data;
}

v1::ImportKeyPairRequest ImportRequest(const std::string& name, const std::string& material) {
  v1::ImportKeyPairRequest request;
  request.set_key_name(name);
  request.set_public_key_material(material);
  return request;
}

// Checks the private key a CreateKeyPair returned against the public key it
// stored, with OpenSSH itself when it is installed.
void CheckPrivateKeyMatches(const CoreHarness& h, const std::string& private_key,
                            const KeyPairRecord& stored) {
  if (::access(kSshKeygen, X_OK) != 0) {
    WARN("ssh-keygen is not installed; only checking that the stored public key parses");
    return;
  }
  const std::string path = h.dir() / ("key-" + stored.key_type);
  testing::WriteFile(path, private_key);
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  const std::string derived = Capture(std::string(kSshKeygen) + " -y -f " + path + " 2>&1");
  INFO("ssh-keygen -y printed: " << derived);
  CHECK(KeyPart(derived) == stored.public_key);

  testing::WriteFile(path + ".pub", stored.public_key + "\n");
  const std::string listed = Capture(std::string(kSshKeygen) + " -l -f " + path + ".pub 2>&1");
  INFO("ssh-keygen -l printed: " << listed);
  CHECK_THAT(listed, Catch::Contains(" " + stored.fingerprint + " "));
}

class KeyHarness : public CoreHarness {
 public:
  KeyHarness() : keys_(core()) {}
  KeyPairService& keys() { return keys_; }

  std::optional<KeyPairRecord> Stored(const std::string& name,
                                      const std::string& project = "default") {
    auto r = store().Read([&](Repositories& repos) -> absl::StatusOr<std::optional<KeyPairRecord>> {
      return repos.key_pairs.GetByName(project, name);
    });
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
    return *r;
  }

  size_t Count(const std::string& project = "default") {
    auto r = store().Read([&](Repositories& repos) -> absl::StatusOr<size_t> {
      return repos.key_pairs.List(project).size();
    });
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
    return *r;
  }

 private:
  KeyPairService keys_;
};

}  // namespace

TEST_CASE(
    "creating an RSA or Ed25519 key pair returns a private key that matches the stored public "
    "key") {
  // This test verifies that CreateKeyPair returns the private key once, stores only the public key
  // and fingerprint, and that OpenSSH derives the same public key and fingerprint from the private
  // key.
  for (const std::string type : {"rsa", "ed25519"}) {
    INFO("type " << type);
    KeyHarness h;
    v1::CreateKeyPairRequest request;
    request.set_key_name("made-" + type);
    request.set_key_type(type);
    auto created = h.keys().Create(h.Ctx(), request);
    REQUIRE(created.ok());
    CHECK(IsWellFormedId("key", created->key_pair_id()));
    CHECK(created->key_name() == "made-" + type);
    CHECK_FALSE(created->key_material().empty());

    auto stored = h.Stored("made-" + type);
    REQUIRE(stored.has_value());
    CHECK(stored->key_pair_id == created->key_pair_id());
    CHECK(stored->key_type == type);
    CHECK(stored->fingerprint == created->key_fingerprint());
    CHECK(stored->created_at == h.clock().NowMillis());
    CHECK(stored->public_key.find("PRIVATE") == std::string::npos);
    auto parsed = ParsePublicKey(stored->public_key);
    REQUIRE(parsed.ok());
    CHECK(parsed->key_type == type);
    CHECK(parsed->fingerprint == stored->fingerprint);
    CheckPrivateKeyMatches(h, created->key_material(), *stored);
    CHECK(h.EventsOf(created->key_pair_id()).back().type == "key-pair.created");
  }
}

TEST_CASE("importing a valid public key stores it normalised with its fingerprint") {
  // This test verifies that an imported key is stored without its comment, with its type and
  // OpenSSH's fingerprint.
  KeyHarness h;
  auto imported =
      h.keys().Import(h.Ctx(), ImportRequest("alice", std::string(kEd25519) + " alice@example"));
  REQUIRE(imported.ok());
  CHECK(imported->key_name() == "alice");
  CHECK(imported->key_type() == "ed25519");
  CHECK(imported->key_fingerprint() == kEd25519Fingerprint);
  CHECK(imported->public_key() == kEd25519);
  auto stored = h.Stored("alice");
  REQUIRE(stored.has_value());
  CHECK(stored->public_key == kEd25519);
  CHECK(stored->key_pair_id == imported->key_pair_id());
}

TEST_CASE("importing a malformed public key is InvalidKey.Format and stores nothing") {
  // This test verifies that a bad key never reaches the store.
  KeyHarness h;
  for (const std::string material : {"", "ssh-ed25519", "ssh-dss AAAAB3NzaC1kc3MAAACBAP",
                                     "ssh-ed25519 !!!", "-----BEGIN OPENSSH PRIVATE KEY-----"}) {
    INFO("material '" << material << "'");
    auto r = h.keys().Import(h.Ctx(), ImportRequest("bad", material));
    REQUIRE_FALSE(r.ok());
    CHECK(ErrorCodeOf(r.status()) == "InvalidKey.Format");
    CHECK(ErrorFieldOf(r.status()) == "PublicKeyMaterial");
  }
  CHECK(h.Count() == 0);
  CHECK(h.LastEvent() == 0);
}

TEST_CASE("a key pair name already taken in the project is InvalidKeyPair.Duplicate") {
  // This test verifies that a name already taken in the project is refused for import and create,
  // and that another project may use it.
  KeyHarness h;
  REQUIRE(h.keys().Import(h.Ctx(), ImportRequest("dup", kEd25519)).ok());
  const std::string first_id = h.Stored("dup")->key_pair_id;

  auto again = h.keys().Import(h.Ctx(), ImportRequest("dup", kEd25519));
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(ErrorCodeOf(again.status()) == "InvalidKeyPair.Duplicate");
  CHECK(ErrorFieldOf(again.status()) == "KeyName");

  v1::CreateKeyPairRequest create;
  create.set_key_name("dup");
  create.set_key_type("ed25519");
  CHECK(ErrorCodeOf(h.keys().Create(h.Ctx(), create).status()) == "InvalidKeyPair.Duplicate");
  CHECK(h.Count() == 1);
  CHECK(h.Stored("dup")->key_pair_id == first_id);

  CHECK(h.keys().Import(h.Ctx("other-project"), ImportRequest("dup", kEd25519)).ok());
  CHECK(h.Count("other-project") == 1);
}

TEST_CASE("key pairs are described by name or id and deleted idempotently") {
  // This test verifies that key pairs are listed by name, found by id, refused when unknown or of
  // another project, and deleted idempotently.
  KeyHarness h;
  auto a = h.keys().Import(h.Ctx(), ImportRequest("a", kEd25519));
  REQUIRE(a.ok());
  v1::CreateKeyPairRequest create;
  create.set_key_name("b");
  create.set_key_type("ed25519");
  auto b = h.keys().Create(h.Ctx(), create);
  REQUIRE(b.ok());

  v1::DescribeKeyPairsRequest all;
  auto listed = h.keys().Describe(h.Ctx(), all);
  REQUIRE(listed.ok());
  REQUIRE(listed->key_pairs_size() == 2);
  CHECK(listed->key_pairs(0).key_name() == "a");
  CHECK(listed->key_pairs(1).key_name() == "b");

  v1::DescribeKeyPairsRequest by_id;
  by_id.add_key_pair_ids(b->key_pair_id());
  auto found = h.keys().Describe(h.Ctx(), by_id);
  REQUIRE(found.ok());
  REQUIRE(found->key_pairs_size() == 1);
  CHECK(found->key_pairs(0).key_name() == "b");

  v1::DescribeKeyPairsRequest unknown;
  unknown.add_key_names("zzz");
  CHECK(ErrorCodeOf(h.keys().Describe(h.Ctx(), unknown).status()) == "InvalidKeyPair.NotFound");
  CHECK(ErrorCodeOf(h.keys().Describe(h.Ctx("other-project"), by_id).status()) ==
        "InvalidKeyPair.NotFound");

  v1::DeleteKeyPairRequest del;
  del.set_key_name("a");
  REQUIRE(h.keys().Delete(h.Ctx(), del).ok());
  CHECK_FALSE(h.Stored("a").has_value());
  CHECK(h.keys().Delete(h.Ctx(), del).ok());
  CHECK(h.Count() == 1);
}

}  // namespace gureum::controller
