#include "controller/store/instance_type_repository.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {

TEST_CASE("the seeded instance types list by size then name") {
  // This test verifies that the first migration seeds seven instance types that list by size then
  // name.
  testing::StoreFixture f;
  auto types = f.Get<std::vector<InstanceTypeRecord>>(
      [](Repositories& repos) { return repos.instance_types.List(); });
  std::vector<std::string> names;
  for (const auto& t : types) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"g1.nano", "g1.micro", "g1.small", "g1.medium",
                                          "g1.large", "g1.xlarge", "g1.2xlarge"});
  auto medium = *f.Get<std::optional<InstanceTypeRecord>>(
      [](Repositories& repos) { return repos.instance_types.Get("g1.medium"); });
  CHECK(medium.vcpus == 2);
  CHECK(medium.memory_mib == 4096);
  CHECK(medium.root_disk_gib == 32);
}

TEST_CASE("an instance type can be added, read back and deleted") {
  // This test verifies that an instance type can be added, read back and deleted, and takes its
  // place in the size order.
  testing::StoreFixture f;
  f.Run([](Repositories& repos) {
    repos.instance_types.Insert(InstanceTypeRecord{"c1.tiny", 1, 256, 2, ""}, 5);
  });
  auto t = f.Get<std::optional<InstanceTypeRecord>>(
      [](Repositories& repos) { return repos.instance_types.Get("c1.tiny"); });
  REQUIRE(t.has_value());
  CHECK(t->vcpus == 1);
  CHECK(t->memory_mib == 256);
  CHECK(t->root_disk_gib == 2);
  CHECK(f.Get<std::string>([](Repositories& repos) {
    return repos.instance_types.List().front().name;
  }) == "c1.tiny");
  f.Run([](Repositories& repos) { repos.instance_types.Delete("c1.tiny"); });
  CHECK_FALSE(f.Get<bool>(
      [](Repositories& repos) { return repos.instance_types.Get("c1.tiny").has_value(); }));
}

TEST_CASE("an instance type with zero vCPUs is refused by the schema") {
  // This test verifies that the schema's CHECK constraints refuse an instance type with zero vCPUs.
  testing::StoreFixture f;
  absl::Status status = f.store().Write([](Repositories& repos) {
    repos.instance_types.Insert(InstanceTypeRecord{"z1.zero", 0, 512, 4, ""}, 0);
    return absl::OkStatus();
  });
  CHECK(status.code() == absl::StatusCode::kInternal);
  CHECK_THAT(std::string(status.message()), Catch::Contains("CHECK"));
}

}  // namespace gureum::controller
