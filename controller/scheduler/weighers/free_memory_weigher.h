// FreeMemoryWeigher: prefers hosts with more free memory (spreads); with a
// negative multiplier prefers the fullest host (packs).
#pragma once

#include "controller/scheduler/host_weigher.h"

namespace gureum::controller {

class FreeMemoryWeigher final : public HostWeigher {
 public:
  explicit FreeMemoryWeigher(double multiplier = 1.0) : HostWeigher(multiplier) {}
  std::string_view Name() const override { return "FreeMemoryWeigher"; }
  double Raw(const HostState& host, const PlacementRequest& request) const override {
    return static_cast<double>(host.host.memory_mib - host.allocation.memory_mib);
  }
};

}  // namespace gureum::controller
