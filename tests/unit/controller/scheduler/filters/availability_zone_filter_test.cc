#include "controller/scheduler/filters/availability_zone_filter.h"

#include <catch2/catch.hpp>

#include "tests/unit/controller/scheduler/scheduler_test_hosts.h"

namespace gureum::controller {

using testing::Host;
using testing::Want;

TEST_CASE(
    "the zone filter passes every host when no zone is asked and only that zone's otherwise") {
  // This test verifies that every host passes when no zone is asked and only the zone's hosts
  // otherwise, with the reason naming both zones.
  AvailabilityZoneFilter filter;
  CHECK(filter.Name() == "AvailabilityZoneFilter");
  HostState a = Host("host-a", 4, 4096, 100, "az-1");
  CHECK_FALSE(filter.Reject(a, Want(1, 512, 4)).has_value());
  CHECK_FALSE(filter.Reject(a, Want(1, 512, 4, "az-1")).has_value());
  CHECK(filter.Reject(a, Want(1, 512, 4, "az-2")) ==
        std::optional<std::string>("host-a: in zone az-1, not az-2"));
}

}  // namespace gureum::controller
