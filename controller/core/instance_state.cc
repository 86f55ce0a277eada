#include "controller/core/instance_state.h"

#include "common/api_error.h"

namespace gureum::controller {

std::string_view StateName(InstanceState state) {
  switch (state) {
    case InstanceState::kPending:
      return "pending";
    case InstanceState::kRunning:
      return "running";
    case InstanceState::kShuttingDown:
      return "shutting-down";
    case InstanceState::kTerminated:
      return "terminated";
    case InstanceState::kStopping:
      return "stopping";
    case InstanceState::kStopped:
      return "stopped";
  }
  return "unknown";
}

int StateCode(InstanceState state) {
  switch (state) {
    case InstanceState::kPending:
      return 0;
    case InstanceState::kRunning:
      return 16;
    case InstanceState::kShuttingDown:
      return 32;
    case InstanceState::kTerminated:
      return 48;
    case InstanceState::kStopping:
      return 64;
    case InstanceState::kStopped:
      return 80;
  }
  return -1;
}

std::optional<InstanceState> ParseState(std::string_view name) {
  for (InstanceState s :
       {InstanceState::kPending, InstanceState::kRunning, InstanceState::kShuttingDown,
        InstanceState::kTerminated, InstanceState::kStopping, InstanceState::kStopped}) {
    if (StateName(s) == name) return s;
  }
  return std::nullopt;
}

bool IsLegalTransition(InstanceState from, InstanceState to) {
  using S = InstanceState;
  switch (from) {
    case S::kPending:
      return to == S::kRunning || to == S::kStopped || to == S::kShuttingDown;
    case S::kRunning:
      return to == S::kStopping || to == S::kStopped || to == S::kShuttingDown;
    case S::kStopping:
      return to == S::kStopped || to == S::kShuttingDown;
    case S::kStopped:
      return to == S::kPending || to == S::kShuttingDown;
    case S::kShuttingDown:
      return to == S::kTerminated;
    case S::kTerminated:
      return false;
  }
  return false;
}

absl::Status CheckTransition(std::string_view instance_id, InstanceState from, InstanceState to) {
  if (IsLegalTransition(from, to)) return absl::OkStatus();
  return ApiError(
      absl::StatusCode::kFailedPrecondition, errc::kIncorrectInstanceState, "InstanceId",
      "The instance '" + std::string(instance_id) + "' is in the '" + std::string(StateName(from)) +
          "' state and cannot move to '" + std::string(StateName(to)) + "'");
}

}  // namespace gureum::controller
