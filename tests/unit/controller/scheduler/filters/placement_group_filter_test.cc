#include "controller/scheduler/filters/placement_group_filter.h"

#include <catch2/catch.hpp>

#include "tests/unit/controller/scheduler/scheduler_test_hosts.h"

namespace gureum::controller {

using testing::Host;
using testing::Want;

namespace {

PlacementRequest InGroup(const std::string& strategy) {
  PlacementRequest want = Want(1, 512, 4);
  want.group_name = "web";
  want.group_strategy = strategy;
  return want;
}

}  // namespace

TEST_CASE("a spread group refuses a host that already holds one of its instances") {
  // This test verifies the strict spread rule: one member on a host rejects it, naming the group;
  // a host without members passes.
  PlacementGroupFilter filter;
  CHECK(filter.Name() == "PlacementGroupFilter");
  HostState used = Host("host-a", 4, 4096, 100);
  used.group_members = 1;
  HostState empty = Host("host-b", 4, 4096, 100);
  CHECK(filter.Reject(used, InGroup("spread")) ==
        "host-a: already holds an instance of spread placement group 'web'");
  CHECK_FALSE(filter.Reject(empty, InGroup("spread")).has_value());
}

TEST_CASE("cluster groups and requests without a group are not filtered") {
  // This test verifies that only spread groups filter: cluster members and ungrouped requests
  // pass a host whatever it holds.
  PlacementGroupFilter filter;
  HostState used = Host("host-a", 4, 4096, 100);
  used.group_members = 3;
  CHECK_FALSE(filter.Reject(used, InGroup("cluster")).has_value());
  CHECK_FALSE(filter.Reject(used, Want(1, 512, 4)).has_value());
}

}  // namespace gureum::controller
