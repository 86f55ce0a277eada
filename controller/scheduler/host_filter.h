// HostFilter: one rule a host must pass to receive an instance. Reject returns
// the reason ("host-3: 2 vCPU free, 4 requested") or nothing when the host
// passes. Implementations are stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "controller/scheduler/host_state.h"

namespace gureum::controller {

class HostFilter {
 public:
  virtual ~HostFilter() = default;
  virtual std::string_view Name() const = 0;
  virtual std::optional<std::string> Reject(const HostState& host,
                                            const PlacementRequest& request) const = 0;
};

}  // namespace gureum::controller
