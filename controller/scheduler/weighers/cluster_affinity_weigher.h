// ClusterAffinityWeigher: for a cluster placement group, prefers the hosts
// that already hold most of the group's instances, so the group lands on as
// few hosts as possible. Scores nothing for other requests. Its default
// multiplier (10) outweighs the other weighers together.
#pragma once

#include "controller/scheduler/host_weigher.h"

namespace gureum::controller {

class ClusterAffinityWeigher final : public HostWeigher {
 public:
  explicit ClusterAffinityWeigher(double multiplier = 10.0) : HostWeigher(multiplier) {}
  std::string_view Name() const override { return "ClusterAffinityWeigher"; }
  double Raw(const HostState& host, const PlacementRequest& request) const override {
    if (request.group_strategy != "cluster") return 0.0;
    return static_cast<double>(host.group_members);
  }
};

}  // namespace gureum::controller
