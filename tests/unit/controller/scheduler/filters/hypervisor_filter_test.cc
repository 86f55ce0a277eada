#include "controller/scheduler/filters/hypervisor_filter.h"

#include <catch2/catch.hpp>

#include "tests/unit/controller/scheduler/scheduler_test_hosts.h"

namespace gureum::controller {

using testing::Host;
using testing::Want;

TEST_CASE("the hypervisor filter passes any host when the type names no virt type") {
  // This test verifies that an instance type without a hypervisor requirement fits every host.
  HypervisorFilter filter;
  HostState h = Host("host-a", 4, 4096, 100);
  h.host.virt_type = "qemu";
  CHECK_FALSE(filter.Reject(h, Want(1, 512, 4)).has_value());
}

TEST_CASE("the hypervisor filter keeps only hosts of the required virt type and says why") {
  // This test verifies that a kvm-only type rejects a qemu (TCG) host, naming both, and passes a
  // kvm host.
  HypervisorFilter filter;
  CHECK(filter.Name() == "HypervisorFilter");
  PlacementRequest want = Want(1, 512, 4);
  want.hypervisor = "kvm";
  HostState tcg = Host("host-a", 4, 4096, 100);
  tcg.host.virt_type = "qemu";
  HostState kvm = Host("host-b", 4, 4096, 100);
  kvm.host.virt_type = "kvm";
  CHECK(filter.Reject(tcg, want) == "host-a: virt type qemu, the instance type needs kvm");
  CHECK_FALSE(filter.Reject(kvm, want).has_value());
}

}  // namespace gureum::controller
