// AvailabilityZoneFilter: when the request names a zone, only its hosts pass.
#pragma once

#include "controller/scheduler/host_filter.h"

namespace gureum::controller {

class AvailabilityZoneFilter final : public HostFilter {
 public:
  std::string_view Name() const override { return "AvailabilityZoneFilter"; }
  std::optional<std::string> Reject(const HostState& host,
                                    const PlacementRequest& request) const override {
    if (request.availability_zone.empty() ||
        host.host.availability_zone == request.availability_zone) {
      return std::nullopt;
    }
    return host.host.name + ": in zone " + host.host.availability_zone + ", not " +
           request.availability_zone;
  }
};

}  // namespace gureum::controller
