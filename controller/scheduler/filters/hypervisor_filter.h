// HypervisorFilter: an instance type that names a virt type (kvm, qemu, fake)
// only goes to hosts running that virt type.
#pragma once

#include "controller/scheduler/host_filter.h"

namespace gureum::controller {

class HypervisorFilter final : public HostFilter {
 public:
  std::string_view Name() const override { return "HypervisorFilter"; }
  std::optional<std::string> Reject(const HostState& host,
                                    const PlacementRequest& request) const override {
    if (request.hypervisor.empty() || host.host.virt_type == request.hypervisor) {
      return std::nullopt;
    }
    return host.host.name + ": virt type " + host.host.virt_type + ", the instance type needs " +
           request.hypervisor;
  }
};

}  // namespace gureum::controller
