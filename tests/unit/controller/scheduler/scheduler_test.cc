#include "controller/scheduler/scheduler.h"

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "tests/unit/controller/scheduler/scheduler_test_hosts.h"

namespace gureum::controller {

using testing::Host;
using testing::Want;

TEST_CASE("a batch never overfills a host") {
  // This test verifies that Place claims capacity in the view as it places:
  // with room for exactly 3 instances, max 10 places 3 and the view shows them.
  auto scheduler = Scheduler::Default();
  std::vector<HostState> hosts = {Host("host-a", 4, 4096, 100)};
  auto placed = scheduler->Place(hosts, Want(1, 1300, 10), 1, 10);
  REQUIRE(placed.ok());
  CHECK(placed->size() == 3);
  CHECK(hosts[0].allocation.memory_mib == 3900);
  CHECK(hosts[0].allocation.vcpus == 3);
  CHECK(hosts[0].allocation.disk_gib == 30);
  CHECK(hosts[0].allocation.instance_count == 3);

  // Existing allocations count too.
  std::vector<HostState> busy = {Host("host-a", 4, 4096, 100), Host("host-b", 4, 4096, 100)};
  busy[0].allocation = HostAllocation{1, 4000, 10, 1, 0};
  auto more = scheduler->Place(busy, Want(1, 2048, 10), 1, 10);
  REQUIRE(more.ok());
  CHECK(*more == std::vector<std::string>{"h-host-b", "h-host-b"});
}

TEST_CASE("a placement short of min count explains per filter and undoes its claims") {
  // This test verifies that the InsufficientInstanceCapacity message counts hosts, gives each
  // filter's removals in pipeline order and the closest host's shortfall, and that the claims are
  // undone.
  auto scheduler = Scheduler::Default();
  std::vector<HostState> hosts = {Host("down-1", 8, 8192, 100), Host("far-1", 8, 8192, 100, "az-2"),
                                  Host("far-2", 8, 8192, 100, "az-2"), Host("small", 8, 4096, 100)};
  hosts[0].host.state = "down";
  auto r = scheduler->Place(hosts, Want(2, 3000, 10, "az-1"), 2, 2);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(ErrorCodeOf(r.status()) == "InsufficientInstanceCapacity");
  CHECK(ErrorFieldOf(r.status()) == "MinCount");
  CHECK(std::string(r.status().message()) ==
        "There is not enough capacity for 2 instance(s) (2 vCPU, 3000 MiB, 10 GiB each); 1 fit. "
        "Hosts: 4; HostUpFilter removed 1; AvailabilityZoneFilter removed 2; CapacityFilter "
        "removed 1. Closest: small: 1096 MiB memory free, 3000 requested.");
  for (const HostState& h : hosts) {
    INFO(h.host.name);
    CHECK(h.allocation.instance_count == 0);
    CHECK(h.allocation.memory_mib == 0);
  }
}

TEST_CASE("with no hosts the scheduler says none has registered") {
  // This test verifies that with no host at all the explanation says none has registered.
  auto scheduler = Scheduler::Default();
  std::vector<HostState> none;
  auto r = scheduler->Place(none, Want(1, 512, 4), 1, 1);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(std::string(r.status().message()),
             Catch::EndsWith("Hosts: 0, no host has registered."));
}

TEST_CASE("equal hosts are chosen by name so placement is deterministic") {
  // This test verifies that among equal scores the host with the smaller name wins.
  auto scheduler = Scheduler::Default();
  std::vector<HostState> hosts = {Host("host-c", 4, 4096, 100), Host("host-a", 4, 4096, 100),
                                  Host("host-b", 4, 4096, 100)};
  auto r = scheduler->Place(hosts, Want(1, 512, 4), 1, 1);
  REQUIRE(r.ok());
  CHECK(*r == std::vector<std::string>{"h-host-a"});
}

TEST_CASE("a batch places each instance where a launch of one would have gone") {
  // This test verifies that Place, which re-weighs only the chosen host and
  // recomputes the normalisation bounds only when they move, chooses the
  // same hosts as launching the instances one request at a time (where
  // every host is weighed afresh), on hosts of mixed sizes, loads, building
  // counts and image caches, listed out of name order, until they are full.
  auto scheduler = Scheduler::Default();
  std::mt19937 random(12345);
  for (int round = 0; round < 20; ++round) {
    std::vector<HostState> hosts;
    const int count = 2 + static_cast<int>(random() % 40);
    for (int i = 0; i < count; ++i) {
      HostState h = Host("host-" + std::to_string(random() % 1000) + "-" + std::to_string(i),
                         4 + static_cast<int>(random() % 4) * 4,
                         4096 * (1 + static_cast<int64_t>(random() % 4)), 200);
      h.allocation.vcpus = static_cast<int>(random() % 3);
      h.allocation.memory_mib = 512 * static_cast<int64_t>(random() % 3);
      h.allocation.instance_count = h.allocation.vcpus;
      h.allocation.building = static_cast<int>(random() % 2);
      h.image_cached = random() % 3 == 0;
      hosts.push_back(h);
    }
    std::vector<HostState> one_by_one = hosts;
    const PlacementRequest want = Want(1, 512 * (1 + static_cast<int64_t>(random() % 2)), 10);
    auto batch = scheduler->Place(hosts, want, 1, 1000);
    REQUIRE(batch.ok());
    std::vector<std::string> singles;
    while (true) {
      auto one = scheduler->Place(one_by_one, want, 1, 1);
      if (!one.ok()) break;
      singles.push_back(one->front());
    }
    REQUIRE(*batch == singles);
    for (size_t i = 0; i < hosts.size(); ++i) {
      CHECK(hosts[i].allocation.memory_mib == one_by_one[i].allocation.memory_mib);
    }
  }
}

}  // namespace gureum::controller

namespace gureum::controller {

TEST_CASE("a spread group with more instances than hosts fails as a whole and says why") {
  // This test verifies the strict spread rule through the pipeline: 3 hosts hold 3 members at
  // most, a request for 4 places nothing (claims undone) and the explanation names the placement
  // group filter.
  auto scheduler = Scheduler::Default();
  std::vector<HostState> hosts = {testing::Host("host-a", 8, 8192, 100),
                                  testing::Host("host-b", 8, 8192, 100),
                                  testing::Host("host-c", 8, 8192, 100)};
  PlacementRequest want = testing::Want(1, 512, 4);
  want.group_name = "web";
  want.group_strategy = "spread";
  auto r = scheduler->Place(hosts, want, 4, 4);
  REQUIRE_FALSE(r.ok());
  CHECK(ErrorCodeOf(r.status()) == "InsufficientInstanceCapacity");
  CHECK_THAT(std::string(r.status().message()),
             Catch::Contains("3 fit. Hosts: 3; PlacementGroupFilter removed 3.") &&
                 Catch::Contains("already holds an instance of spread placement group 'web'"));
  for (const HostState& h : hosts) {
    CHECK(h.group_members == 0);
    CHECK(h.allocation.instance_count == 0);
  }
  auto fits = scheduler->Place(hosts, want, 3, 3);
  REQUIRE(fits.ok());
  CHECK(std::set<std::string>(fits->begin(), fits->end()).size() == 3);
}

TEST_CASE("the scheduler is built from ratios and multipliers and refuses unknown ones") {
  // This test verifies Create: an unknown weigher name and a non-positive ratio are refused; a
  // pack configuration (free-memory -1) is kept and reported.
  SchedulerConfig bad;
  bad.multipliers["free-ram"] = 1.0;
  auto unknown = Scheduler::Create(bad);
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(std::string(unknown.status().message()),
             Catch::Contains("unknown weigher 'free-ram'"));
  SchedulerConfig zero;
  zero.ratios.cpu = 0;
  CHECK_FALSE(Scheduler::Create(zero).ok());
  SchedulerConfig pack;
  pack.multipliers["free-memory"] = -1.0;
  pack.ratios.cpu = 2.0;
  auto scheduler = Scheduler::Create(pack);
  REQUIRE(scheduler.ok());
  CHECK((*scheduler)->ratios().cpu == 2.0);
  CHECK_THAT((*scheduler)->Describe(), Catch::Contains("FreeMemoryWeigher=-1,"));
  // With cpu ratio 2, a 2-core host takes 4 vCPUs.
  std::vector<HostState> hosts = {testing::Host("host-a", 2, 65536, 1000)};
  auto placed = (*scheduler)->Place(hosts, testing::Want(1, 512, 1), 1, 10);
  REQUIRE(placed.ok());
  CHECK(placed->size() == 4);
}

}  // namespace gureum::controller
