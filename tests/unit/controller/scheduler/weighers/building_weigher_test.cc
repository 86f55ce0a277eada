#include "controller/scheduler/weighers/building_weigher.h"

#include <memory>
#include <vector>

#include <catch2/catch.hpp>

#include "controller/scheduler/scheduler.h"
#include "tests/unit/controller/scheduler/scheduler_test_hosts.h"

namespace gureum::controller {

using testing::Host;
using testing::Want;

TEST_CASE("the building weigher scores fewer builds higher") {
  // This test verifies that the raw score is minus the number of pending instances.
  BuildingWeigher weigher;
  CHECK(weigher.Name() == "BuildingWeigher");
  HostState busy = Host("host-a", 4, 4096, 100);
  busy.allocation.building = 3;
  CHECK(weigher.Raw(busy, Want(1, 512, 4)) == -3.0);
  CHECK(weigher.Raw(Host("host-b", 4, 4096, 100), Want(1, 512, 4)) == 0.0);
}

TEST_CASE("a burst of launches goes to the host building the fewest instances") {
  // This test verifies that the host with builds in flight is avoided, and that each placement
  // counts as a build so a batch alternates.
  std::vector<std::unique_ptr<HostFilter>> filters;
  std::vector<std::unique_ptr<HostWeigher>> weighers;
  weighers.push_back(std::make_unique<BuildingWeigher>(1.0));
  Scheduler scheduler(std::move(filters), std::move(weighers));
  std::vector<HostState> hosts = {Host("host-a", 4, 4096, 100), Host("host-b", 4, 4096, 100)};
  hosts[0].allocation.building = 2;
  auto placed = scheduler.Place(hosts, Want(1, 256, 1), 4, 4);
  REQUIRE(placed.ok());
  CHECK(*placed == std::vector<std::string>{"h-host-b", "h-host-b", "h-host-a", "h-host-b"});
  CHECK(hosts[0].allocation.building == 3);
  CHECK(hosts[1].allocation.building == 3);
}

}  // namespace gureum::controller
