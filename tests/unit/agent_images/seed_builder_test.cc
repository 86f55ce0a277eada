#include "agent/seed/seed_builder.h"

#include <catch2/catch.hpp>

#include "agent/images/subprocess.h"
#include "tests/unit/agent_images/test_files.h"

namespace gureum::agent {
namespace {

using testing::ListDir;
using testing::TempDir;

// Extracts a file from an ISO by its Rock Ridge name, without mounting it.
std::string ExtractFromIso(const std::string& iso, const std::string& name) {
  absl::StatusOr<std::string> out = RunProcessChecked({"isoinfo", "-R", "-i", iso, "-x", name});
  REQUIRE(out.ok());
  return *out;
}

SeedData ExampleSeed() {
  SeedData seed;
  seed.instance_id = "i-0123456789abcdef0";
  seed.hostname = "web-1";
  seed.ssh_public_keys = {"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG alice@laptop",
                          "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ bob"};
  seed.user_data = "#cloud-config\nruncmd:\n  - echo hello\n";
  return seed;
}

TEST_CASE("meta-data lists the instance id, hostname and every SSH key as quoted scalars") {
  // This test verifies the exact meta-data document cloud-init reads.
  absl::StatusOr<std::string> meta = SeedBuilder::MetaData(ExampleSeed());
  REQUIRE(meta.ok());
  CHECK(*meta ==
        "instance-id: \"i-0123456789abcdef0\"\n"
        "local-hostname: \"web-1\"\n"
        "public-keys:\n"
        "  - \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG alice@laptop\"\n"
        "  - \"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ bob\"\n");

  SeedData bare;
  bare.instance_id = "i-1";
  CHECK(*SeedBuilder::MetaData(bare) == "instance-id: \"i-1\"\npublic-keys: []\n");
}

TEST_CASE("meta-data keeps hostile values inside their scalars") {
  // This test verifies that a hostname or key crafted to inject YAML keys
  // still yields one line per key and no extra entries.
  SeedData seed;
  seed.instance_id = "i-1";
  seed.hostname = "evil\"\ninstance-id: i-other\n";
  seed.ssh_public_keys = {"ssh-ed25519 AAA\n  - ssh-rsa ATTACKER"};
  absl::StatusOr<std::string> meta = SeedBuilder::MetaData(seed);
  REQUIRE(meta.ok());
  CHECK(*meta ==
        "instance-id: \"i-1\"\n"
        "local-hostname: \"evil\\\"\\ninstance-id: i-other\\n\"\n"
        "public-keys:\n"
        "  - \"ssh-ed25519 AAA\\n  - ssh-rsa ATTACKER\"\n");

  seed.hostname = "bad\xff";
  CHECK(absl::IsInvalidArgument(SeedBuilder::MetaData(seed).status()));
  seed.hostname = "ok";
  seed.instance_id = "";
  CHECK(absl::IsInvalidArgument(SeedBuilder::MetaData(seed).status()));
}

TEST_CASE("seed image is a cidata volume with Joliet and Rock Ridge holding both files") {
  // This test verifies with isoinfo that the ISO has the label cloud-init
  // looks for and that meta-data and user-data read back byte for byte.
  TempDir dir;
  SeedBuilder builder;
  SeedData seed = ExampleSeed();
  seed.user_data += std::string("\0\xff\x1f\x8b binary tail", 16);
  REQUIRE(builder.Build(seed, dir / "seed.iso").ok());

  absl::StatusOr<std::string> description =
      RunProcessChecked({"isoinfo", "-d", "-i", dir / "seed.iso"});
  REQUIRE(description.ok());
  CHECK(description->find("Volume id: cidata\n") != std::string::npos);
  CHECK(description->find("Joliet") != std::string::npos);
  CHECK(description->find("Rock Ridge") != std::string::npos);

  CHECK(ExtractFromIso(dir / "seed.iso", "/meta-data") == *SeedBuilder::MetaData(seed));
  CHECK(ExtractFromIso(dir / "seed.iso", "/user-data") == seed.user_data);
}

TEST_CASE("empty user-data gives an empty user-data file") {
  // This test verifies that cloud-init always finds user-data, even when the
  // user gave none.
  TempDir dir;
  SeedBuilder builder;
  SeedData seed = ExampleSeed();
  seed.user_data.clear();
  REQUIRE(builder.Build(seed, dir / "seed.iso").ok());

  absl::StatusOr<std::string> listing =
      RunProcessChecked({"isoinfo", "-R", "-f", "-i", dir / "seed.iso"});
  REQUIRE(listing.ok());
  CHECK(listing->find("/user-data") != std::string::npos);
  CHECK(listing->find("/meta-data") != std::string::npos);
  CHECK(ExtractFromIso(dir / "seed.iso", "/user-data").empty());
}

TEST_CASE("rebuilding a seed replaces it and leaves no scratch files") {
  // This test verifies that a second build swaps in the new content and that
  // only the image remains in its directory, also after a failed build.
  TempDir dir;
  SeedBuilder builder;
  SeedData seed = ExampleSeed();
  REQUIRE(builder.Build(seed, dir / "seed.iso").ok());
  seed.user_data = "#!/bin/sh\necho second\n";
  REQUIRE(builder.Build(seed, dir / "seed.iso").ok());
  CHECK(ExtractFromIso(dir / "seed.iso", "/user-data") == seed.user_data);
  CHECK(ListDir(dir.path()) == std::set<std::string>{"seed.iso"});

  SeedBuilder broken("/nonexistent/genisoimage");
  absl::Status status = broken.Build(seed, dir / "seed.iso");
  CHECK_FALSE(status.ok());
  CHECK(std::string(status.message()).find("/nonexistent/genisoimage") != std::string::npos);
  CHECK(ListDir(dir.path()) == std::set<std::string>{"seed.iso"});
  CHECK(ExtractFromIso(dir / "seed.iso", "/user-data") == seed.user_data);
}

}  // namespace
}  // namespace gureum::agent
