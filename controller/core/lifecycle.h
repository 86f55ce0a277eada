// Lifecycle: applies one legal state transition to an instance inside the
// caller's transaction: checks the edge, writes state and reason, releases
// the private IP on termination, records the event and marks the host.
#pragma once

#include <string>

#include <absl/status/status.h>

#include "controller/core/core_context.h"
#include "controller/core/instance_state.h"

namespace gureum::controller {

struct StateReasonText {
  std::string code;
  std::string message;
};

absl::Status TransitionInstance(Repositories& repos, ChangeSet& changes, const RequestContext& ctx,
                                int64_t now, InstanceRecord& instance, InstanceState to,
                                const StateReasonText& reason);

}  // namespace gureum::controller
