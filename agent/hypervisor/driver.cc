#include "agent/hypervisor/driver.h"

namespace gureum::agent {

const char* PowerStateName(PowerState state) {
  switch (state) {
    case PowerState::kRunning:
      return "running";
    case PowerState::kShutoff:
      return "shutoff";
    case PowerState::kShuttingDown:
      return "shutting-down";
    case PowerState::kPaused:
      return "paused";
    case PowerState::kCrashed:
      return "crashed";
  }
  return "unknown";
}

}  // namespace gureum::agent
