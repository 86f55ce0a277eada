// BuildingWeigher: prefers hosts with fewer instances being built right now
// (state pending), so a burst of launches does not queue on one agent.
#pragma once

#include "controller/scheduler/host_weigher.h"

namespace gureum::controller {

class BuildingWeigher final : public HostWeigher {
 public:
  explicit BuildingWeigher(double multiplier = 1.0) : HostWeigher(multiplier) {}
  std::string_view Name() const override { return "BuildingWeigher"; }
  double Raw(const HostState& host, const PlacementRequest& /*request*/) const override {
    return -static_cast<double>(host.allocation.building);
  }
};

}  // namespace gureum::controller
