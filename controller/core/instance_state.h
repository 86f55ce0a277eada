// EC2's instance lifecycle: state names, codes and the legal edges between
// them. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <absl/status/status.h>

namespace gureum::controller {

enum class InstanceState { kPending, kRunning, kShuttingDown, kTerminated, kStopping, kStopped };

// "pending", "running", "shutting-down", "terminated", "stopping", "stopped".
std::string_view StateName(InstanceState state);
// EC2 codes: 0, 16, 32, 48, 64, 80.
int StateCode(InstanceState state);
std::optional<InstanceState> ParseState(std::string_view name);

// The lifecycle graph:
//   pending -> running | stopped | shutting-down
//   running -> stopping | stopped (guest-initiated) | shutting-down
//   stopping -> stopped | shutting-down
//   stopped -> pending | shutting-down
//   shutting-down -> terminated
//   terminated -> (nothing)
bool IsLegalTransition(InstanceState from, InstanceState to);

// OK, or IncorrectInstanceState naming the instance, where it is and where it
// was asked to go.
absl::Status CheckTransition(std::string_view instance_id, InstanceState from, InstanceState to);

}  // namespace gureum::controller
