#include "controller/scheduler/filters/host_up_filter.h"

#include <catch2/catch.hpp>

#include "tests/unit/controller/scheduler/scheduler_test_hosts.h"

namespace gureum::controller {

using testing::Host;
using testing::Want;

TEST_CASE("only hosts that are up and enabled pass the host-up filter") {
  // This test verifies that an up, enabled host passes and a down or disabled one is rejected with
  // the reason.
  HostUpFilter filter;
  CHECK(filter.Name() == "HostUpFilter");
  HostState up = Host("host-a", 4, 4096, 100);
  CHECK_FALSE(filter.Reject(up, Want(1, 512, 4)).has_value());

  HostState down = up;
  down.host.state = "down";
  CHECK(filter.Reject(down, Want(1, 512, 4)) == std::optional<std::string>("host-a: host is down"));

  HostState disabled = up;
  disabled.host.enabled = false;
  CHECK(filter.Reject(disabled, Want(1, 512, 4)) ==
        std::optional<std::string>("host-a: host is disabled"));
}

}  // namespace gureum::controller
