#include "controller/scheduler/weighers/free_memory_weigher.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "controller/scheduler/filters/capacity_filter.h"
#include "controller/scheduler/scheduler.h"
#include "tests/unit/controller/scheduler/scheduler_test_hosts.h"

namespace gureum::controller {
namespace {

using testing::Host;
using testing::Want;

std::unique_ptr<Scheduler> MemoryScheduler(double multiplier) {
  std::vector<std::unique_ptr<HostFilter>> filters;
  filters.push_back(std::make_unique<CapacityFilter>());
  std::vector<std::unique_ptr<HostWeigher>> weighers;
  weighers.push_back(std::make_unique<FreeMemoryWeigher>(multiplier));
  return std::make_unique<Scheduler>(std::move(filters), std::move(weighers));
}

std::map<std::string, int> Count(const std::vector<std::string>& placed) {
  std::map<std::string, int> out;
  for (const auto& id : placed) out[id]++;
  return out;
}

}  // namespace

TEST_CASE("the free memory weigher scores a host by its unallocated memory") {
  // This test verifies that the raw score is the host's unallocated memory and the multiplier is
  // kept.
  FreeMemoryWeigher weigher;
  CHECK(weigher.Name() == "FreeMemoryWeigher");
  CHECK(weigher.multiplier() == 1.0);
  HostState h = Host("host-a", 4, 8192, 100);
  h.allocation.memory_mib = 3000;
  CHECK(weigher.Raw(h, Want(1, 512, 1)) == 5192.0);
  CHECK(FreeMemoryWeigher(-2.0).multiplier() == -2.0);
}

TEST_CASE("by default instances spread to the host with the most free memory") {
  // This test verifies that the emptier host is chosen first and a batch alternates across equal
  // hosts.
  auto scheduler = MemoryScheduler(1.0);
  std::vector<HostState> hosts = {Host("host-a", 16, 8192, 1000), Host("host-b", 16, 16384, 1000)};
  auto first = scheduler->Place(hosts, Want(1, 1024, 10), 1, 1);
  REQUIRE(first.ok());
  CHECK(*first == std::vector<std::string>{"h-host-b"});

  std::vector<HostState> equal = {Host("host-a", 16, 8192, 1000), Host("host-b", 16, 8192, 1000)};
  auto batch = scheduler->Place(equal, Want(1, 1024, 10), 4, 4);
  REQUIRE(batch.ok());
  CHECK(Count(*batch) == std::map<std::string, int>{{"h-host-a", 2}, {"h-host-b", 2}});
}

TEST_CASE("a negative multiplier packs instances onto the fullest host") {
  // This test verifies that with a negative multiplier every instance goes to the host with the
  // least free memory until it is full, then to the next.
  auto scheduler = MemoryScheduler(-1.0);
  std::vector<HostState> hosts = {Host("host-a", 16, 8192, 1000), Host("host-b", 16, 16384, 1000)};
  hosts[0].allocation.memory_mib = 2048;
  auto placed = scheduler->Place(hosts, Want(1, 1024, 10), 8, 8);
  REQUIRE(placed.ok());
  // host-a has 6144 MiB free: six instances fill it, then two go to host-b.
  CHECK(std::vector<std::string>(placed->begin(), placed->begin() + 6) ==
        std::vector<std::string>(6, "h-host-a"));
  CHECK(Count(*placed) == std::map<std::string, int>{{"h-host-a", 6}, {"h-host-b", 2}});
}

}  // namespace gureum::controller
