// HostUpFilter: only hosts whose agent is connected and that are enabled (not
// in maintenance) take new instances.
#pragma once

#include "controller/scheduler/host_filter.h"

namespace gureum::controller {

class HostUpFilter final : public HostFilter {
 public:
  std::string_view Name() const override { return "HostUpFilter"; }
  std::optional<std::string> Reject(const HostState& host,
                                    const PlacementRequest& request) const override {
    if (host.host.state != "up") return host.host.name + ": host is " + host.host.state;
    if (!host.host.enabled) return host.host.name + ": host is disabled";
    return std::nullopt;
  }
};

}  // namespace gureum::controller
