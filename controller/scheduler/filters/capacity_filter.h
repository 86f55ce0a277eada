// CapacityFilter: the host must have room for the instance's vCPUs, memory and
// root disk, each scaled by its overcommit ratio (defaults cpu 4.0, ram 1.0,
// disk 1.0, as Nova's).
#pragma once

#include "controller/scheduler/host_filter.h"
#include "controller/scheduler/overcommit_ratios.h"

namespace gureum::controller {

class CapacityFilter final : public HostFilter {
 public:
  explicit CapacityFilter(OvercommitRatios ratios = {}) : ratios_(ratios) {}
  std::string_view Name() const override { return "CapacityFilter"; }
  std::optional<std::string> Reject(const HostState& host,
                                    const PlacementRequest& request) const override;

  // Free capacity after overcommit (may be negative).
  double FreeVcpus(const HostState& host) const;
  double FreeMemoryMib(const HostState& host) const;
  double FreeDiskGib(const HostState& host) const;

 private:
  OvercommitRatios ratios_;
};

}  // namespace gureum::controller
