// The usage tables (project_usage, host_usage): kept by InstanceRepository
// since migration 7 (by triggers before), and still equal to a recount.
#include <string>

#include <catch2/catch.hpp>

#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::CoreHarness;
using testing::RunRequest;

ResourceAmounts Usage(CoreHarness& h, const std::string& project = "default") {
  auto r = h.store().Read([&](Repositories& repos) -> absl::StatusOr<ResourceAmounts> {
    return repos.quotas.Usage(project);
  });
  REQUIRE(r.ok());
  return *r;
}

ResourceAmounts Recount(CoreHarness& h, const std::string& project = "default") {
  auto r = h.store().Read([&](Repositories& repos) -> absl::StatusOr<ResourceAmounts> {
    return repos.instances.RecountProjectUsage(project);
  });
  REQUIRE(r.ok());
  return *r;
}

HostAllocation HostUsage(CoreHarness& h, const std::string& host_id) {
  auto r = h.store().Read([&](Repositories& repos) -> absl::StatusOr<HostAllocation> {
    return repos.instances.AllocationByHost()[host_id];
  });
  REQUIRE(r.ok());
  return *r;
}

void CheckEqual(const ResourceAmounts& a, const ResourceAmounts& b) {
  CHECK(a.instances == b.instances);
  CHECK(a.vcpus == b.vcpus);
  CHECK(a.memory_mib == b.memory_mib);
  CHECK(a.disk_gib == b.disk_gib);
}

}  // namespace

TEST_CASE("usage follows every insert, state change and purge and equals a recount") {
  // This test verifies the usage bookkeeping: launching adds to project and host usage (and to the
  // host's builds while pending), running ends the build, stopping keeps the claim, terminating
  // releases it and purging a terminated row changes nothing; after each step usage equals a
  // recount.
  CoreHarness h;
  const std::string host = h.AddHost("host-a", 16, 65536, 1000);
  const std::string image = h.AddImage();
  auto launched = h.launcher().Run(h.Ctx(), RunRequest(image, "g1.medium", 3, 3));
  REQUIRE(launched.ok());
  CheckEqual(Usage(h), ResourceAmounts{3, 6, 3 * 4096, 3 * 32});
  CheckEqual(Usage(h), Recount(h));
  CHECK(HostUsage(h, host).building == 3);
  CHECK(HostUsage(h, host).instance_count == 3);

  const std::string a = launched->instances(0).instance_id();
  const std::string b = launched->instances(1).instance_id();
  const std::string c = launched->instances(2).instance_id();
  h.ForceState(a, "running", "running");
  h.ForceState(b, "stopped", "stopped");
  CHECK(HostUsage(h, host).building == 1);
  CheckEqual(Usage(h), ResourceAmounts{3, 6, 3 * 4096, 3 * 32});

  h.ForceState(c, "terminated", "terminated");  // straight from pending
  CHECK(HostUsage(h, host).building == 0);
  h.ForceState(b, "terminated", "terminated");
  CheckEqual(Usage(h), ResourceAmounts{1, 2, 4096, 32});
  CheckEqual(Usage(h), Recount(h));
  HostAllocation after = HostUsage(h, host);
  CHECK(after.instance_count == 1);
  CHECK(after.vcpus == 2);
  CHECK(after.memory_mib == 4096);

  // Terminating twice does not release twice; purging terminated rows changes nothing.
  h.ForceState(b, "terminated", "terminated");
  CHECK(h.store()
            .Write([&](Repositories& repos) -> absl::StatusOr<int> {
              return repos.instances.PurgeTerminatedBefore(h.clock().NowMillis() + 1);
            })
            .value() == 2);
  CheckEqual(Usage(h), ResourceAmounts{1, 2, 4096, 32});
  CheckEqual(Usage(h), Recount(h));
}

TEST_CASE("usage is kept per project") {
  // This test verifies that one project's launches do not count against another's usage.
  CoreHarness h;
  h.AddHost("host-a", 16, 65536, 1000);
  const std::string image = h.AddImage("tiny", 1LL << 30, "other");
  RequestContext other = h.Ctx("other");
  REQUIRE(h.launcher().Run(other, RunRequest(image, "g1.small", 2, 2)).ok());
  CheckEqual(Usage(h, "other"), ResourceAmounts{2, 2, 4096, 32});
  CheckEqual(Usage(h, "default"), ResourceAmounts{});
}

}  // namespace gureum::controller
