#include "controller/core/quota_policy.h"

#include <string>

#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::CoreHarness;

void SetLimit(CoreHarness& h, const std::string& resource, int64_t limit) {
  CoreHarness::Must(h.store().Write([&](Repositories& repos) {
    repos.quotas.SetLimit("default", resource, limit);
    return absl::OkStatus();
  }));
}

absl::StatusOr<int> Headroom(CoreHarness& h, const QuotaPolicy& policy, ResourceAmounts each,
                             int min_count, int max_count) {
  return h.store().Read([&](Repositories& repos) {
    return policy.Headroom(repos, "default", each, min_count, max_count);
  });
}

}  // namespace

TEST_CASE("limits are the defaults until an admin sets one") {
  // This test verifies that Limits overlays stored limits on the defaults, resource by resource.
  CoreHarness h;
  QuotaPolicy policy(ResourceAmounts{10, 20, 30, 40});
  SetLimit(h, "vcpus", 7);
  auto limits = h.store().Read([&](Repositories& repos) -> absl::StatusOr<ResourceAmounts> {
    return policy.Limits(repos, "default");
  });
  REQUIRE(limits.ok());
  CHECK(limits->instances == 10);
  CHECK(limits->vcpus == 7);
  CHECK(limits->memory_mib == 30);
  CHECK(limits->disk_gib == 40);
  CHECK(QuotaPolicy::IsResource("memory-mib"));
  CHECK_FALSE(QuotaPolicy::IsResource("ram"));
}

TEST_CASE("headroom is the fewest instances any quota allows, capped at max count") {
  // This test verifies the arithmetic: with 10 vCPUs left and 4 per instance, 2 fit; unlimited
  // quotas do not bound; max count caps.
  CoreHarness h;
  QuotaPolicy policy(ResourceAmounts{100, 10, -1, -1});
  auto two = Headroom(h, policy, ResourceAmounts{1, 4, 4096, 32}, 1, 50);
  REQUIRE(two.ok());
  CHECK(*two == 2);
  auto capped = Headroom(h, policy, ResourceAmounts{1, 1, 4096, 32}, 1, 5);
  REQUIRE(capped.ok());
  CHECK(*capped == 5);
}

TEST_CASE("a launch beyond a quota names the quota, its limit and the usage") {
  // This test verifies the EC2-style codes per resource and the message's figures.
  CoreHarness h;
  QuotaPolicy policy(ResourceAmounts{0, 3, 1000, 10});
  auto instances = Headroom(h, policy, ResourceAmounts{1, 1, 512, 4}, 1, 1);
  REQUIRE_FALSE(instances.ok());
  CHECK(instances.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(ErrorCodeOf(instances.status()) == "InstanceLimitExceeded");
  CHECK(ErrorFieldOf(instances.status()) == "MinCount");
  CHECK(std::string(instances.status().message()) ==
        "Quota 'instances' of project default is 0 and 0 is in use: room for 0 more instance(s), "
        "at least 1 requested");

  QuotaPolicy open(ResourceAmounts{-1, 3, 1000, 10});
  auto vcpus = Headroom(h, open, ResourceAmounts{1, 2, 512, 4}, 2, 2);
  REQUIRE_FALSE(vcpus.ok());
  CHECK(ErrorCodeOf(vcpus.status()) == "VcpuLimitExceeded");
  CHECK(std::string(vcpus.status().message()) ==
        "Quota 'vcpus' of project default is 3 and 0 is in use: room for 1 more instance(s) of 2 "
        "vcpus each, at least 2 requested");
  auto memory = Headroom(h, open, ResourceAmounts{1, 1, 2048, 4}, 1, 1);
  REQUIRE_FALSE(memory.ok());
  CHECK(ErrorCodeOf(memory.status()) == "MemoryLimitExceeded");
  auto disk = Headroom(h, open, ResourceAmounts{1, 1, 512, 11}, 1, 1);
  REQUIRE_FALSE(disk.ok());
  CHECK(ErrorCodeOf(disk.status()) == "DiskLimitExceeded");
}

}  // namespace gureum::controller
