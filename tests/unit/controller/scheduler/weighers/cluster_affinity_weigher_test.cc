#include "controller/scheduler/weighers/cluster_affinity_weigher.h"

#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "controller/scheduler/scheduler.h"
#include "tests/unit/controller/scheduler/scheduler_test_hosts.h"

namespace gureum::controller {

using testing::Host;
using testing::Want;

namespace {

PlacementRequest Cluster() {
  PlacementRequest want = Want(1, 1024, 10);
  want.group_name = "hpc";
  want.group_strategy = "cluster";
  return want;
}

}  // namespace

TEST_CASE("the cluster affinity weigher counts group members, only for cluster groups") {
  // This test verifies the raw score (members on the host) and that it is 0 for other requests.
  ClusterAffinityWeigher weigher;
  CHECK(weigher.Name() == "ClusterAffinityWeigher");
  CHECK(weigher.multiplier() == 10.0);
  HostState h = Host("host-a", 4, 4096, 100);
  h.group_members = 2;
  CHECK(weigher.Raw(h, Cluster()) == 2.0);
  CHECK(weigher.Raw(h, Want(1, 1024, 10)) == 0.0);
}

TEST_CASE("a cluster group lands on as few hosts as possible with the default pipeline") {
  // This test verifies that the default scheduler, which spreads ordinary instances, puts a
  // cluster group's batch on one host while it fits and then on one more, and follows existing
  // members.
  auto scheduler = Scheduler::Default();
  std::vector<HostState> hosts = {Host("host-a", 8, 8192, 1000), Host("host-b", 8, 8192, 1000),
                                  Host("host-c", 8, 8192, 1000)};
  auto placed = scheduler->Place(hosts, Cluster(), 10, 10);
  REQUIRE(placed.ok());
  std::map<std::string, int> per_host;
  for (const auto& id : *placed) per_host[id]++;
  // 8 GiB hosts take 8 instances of 1 GiB: 8 on the first, 2 on a second.
  CHECK(per_host.size() == 2);
  CHECK(per_host.begin()->second + std::next(per_host.begin())->second == 10);
  CHECK((per_host.begin()->second == 8 || std::next(per_host.begin())->second == 8));

  std::vector<HostState> existing = {Host("host-a", 8, 8192, 1000), Host("host-b", 8, 8192, 1000)};
  existing[1].group_members = 1;
  existing[1].allocation.memory_mib = 1024;
  auto follow = scheduler->Place(existing, Cluster(), 1, 1);
  REQUIRE(follow.ok());
  CHECK(*follow == std::vector<std::string>{"h-host-b"});
}

}  // namespace gureum::controller
