#include "controller/scheduler/filters/capacity_filter.h"

#include <catch2/catch.hpp>

#include "tests/unit/controller/scheduler/scheduler_test_hosts.h"

namespace gureum::controller {

using testing::Host;
using testing::Want;

TEST_CASE("the capacity filter passes a host with exactly enough room") {
  // This test verifies that a host with exactly the requested room passes on every resource.
  CapacityFilter filter(OvercommitRatios{1.0, 1.0, 1.0});
  CHECK(filter.Name() == "CapacityFilter");
  HostState h = Host("host-a", 4, 4096, 100);
  h.allocation = HostAllocation{2, 2048, 60, 1, 0};
  CHECK_FALSE(filter.Reject(h, Want(2, 2048, 40)).has_value());
  CHECK(filter.FreeVcpus(h) == 2.0);
  CHECK(filter.FreeMemoryMib(h) == 2048.0);
  CHECK(filter.FreeDiskGib(h) == 40.0);
}

TEST_CASE("the capacity filter rejects the first resource that is short, with numbers") {
  // This test verifies that the first short resource (vCPU, then memory, then disk) is rejected
  // with the free and requested amounts.
  CapacityFilter filter(OvercommitRatios{1.0, 1.0, 1.0});
  HostState h = Host("host-a", 4, 4096, 100);
  h.allocation = HostAllocation{3, 3072, 90, 2, 0};
  CHECK(filter.Reject(h, Want(2, 512, 5)) ==
        std::optional<std::string>("host-a: 1 vCPU free, 2 requested"));
  CHECK(filter.Reject(h, Want(1, 2048, 5)) ==
        std::optional<std::string>("host-a: 1024 MiB memory free, 2048 requested"));
  CHECK(filter.Reject(h, Want(1, 1024, 20)) ==
        std::optional<std::string>("host-a: 10 GiB disk free, 20 requested"));
}

TEST_CASE("overcommit ratios scale what a host offers") {
  // This test verifies that the default ratios (cpu 4, ram 1, disk 1) and custom fractional ones
  // scale capacity, and that fractional and negative free amounts read well.
  HostState h = Host("host-a", 2, 1000, 10);
  h.allocation = HostAllocation{7, 1000, 10, 7, 0};

  CapacityFilter defaults;
  CHECK(defaults.FreeVcpus(h) == 1.0);  // 2 * 4 - 7
  CHECK_FALSE(defaults.Reject(h, Want(1, 0, 0)).has_value());
  CHECK(defaults.Reject(h, Want(2, 0, 0)) ==
        std::optional<std::string>("host-a: 1 vCPU free, 2 requested"));
  CHECK(defaults.Reject(h, Want(1, 1, 0)) ==
        std::optional<std::string>("host-a: 0 MiB memory free, 1 requested"));

  CapacityFilter generous(OvercommitRatios{5.25, 1.5, 2.0});
  CHECK(generous.FreeVcpus(h) == 3.5);
  CHECK(generous.FreeMemoryMib(h) == 500.0);
  CHECK(generous.FreeDiskGib(h) == 10.0);
  CHECK(generous.Reject(h, Want(4, 0, 0)) ==
        std::optional<std::string>("host-a: 3.5 vCPU free, 4 requested"));
  CHECK_FALSE(generous.Reject(h, Want(3, 500, 10)).has_value());
  CHECK(generous.Reject(h, Want(3, 501, 10)) ==
        std::optional<std::string>("host-a: 500 MiB memory free, 501 requested"));

  CapacityFilter strict(OvercommitRatios{1.0, 1.0, 1.0});
  CHECK(strict.Reject(h, Want(1, 0, 0)) ==
        std::optional<std::string>("host-a: -5 vCPU free, 1 requested"));
}

}  // namespace gureum::controller
