// HostWeigher: scores hosts that passed every filter. The scheduler
// normalises raw scores to [0, 1] across the candidates and multiplies by the
// weigher's multiplier, so a negative multiplier turns spreading into packing.
#pragma once

#include <string_view>

#include "controller/scheduler/host_state.h"

namespace gureum::controller {

class HostWeigher {
 public:
  explicit HostWeigher(double multiplier) : multiplier_(multiplier) {}
  virtual ~HostWeigher() = default;
  virtual std::string_view Name() const = 0;
  virtual double Raw(const HostState& host, const PlacementRequest& request) const = 0;
  double multiplier() const { return multiplier_; }

 private:
  double multiplier_;
};

}  // namespace gureum::controller
