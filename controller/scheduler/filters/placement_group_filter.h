// PlacementGroupFilter: a spread group holds at most one instance per host,
// strictly (EC2's spread groups: fail rather than violate). Cluster groups are
// a preference (ClusterAffinityWeigher), not a filter.
#pragma once

#include "controller/scheduler/host_filter.h"

namespace gureum::controller {

class PlacementGroupFilter final : public HostFilter {
 public:
  std::string_view Name() const override { return "PlacementGroupFilter"; }
  std::optional<std::string> Reject(const HostState& host,
                                    const PlacementRequest& request) const override {
    if (request.group_strategy != "spread" || host.group_members == 0) return std::nullopt;
    return host.host.name + ": already holds an instance of spread placement group '" +
           request.group_name + "'";
  }
};

}  // namespace gureum::controller
