#include "cli/wait/wait_target.h"

namespace gureum::cli {

WaitTarget WaitTarget::Running() { return WaitTarget("running", "instance-running"); }
WaitTarget WaitTarget::Stopped() { return WaitTarget("stopped", "instance-stopped"); }
WaitTarget WaitTarget::Terminated() { return WaitTarget("terminated", "instance-terminated"); }

std::optional<WaitTarget> WaitTarget::FromWaiterName(std::string_view name) {
  for (WaitTarget target : {Running(), Stopped(), Terminated()}) {
    if (target.waiter_name() == name) return target;
  }
  return std::nullopt;
}

std::vector<std::string> WaitTarget::WaiterNames() {
  return {Running().waiter_name(), Stopped().waiter_name(), Terminated().waiter_name()};
}

WaitTarget::Verdict WaitTarget::Judge(const v1::Instance& instance) const {
  const std::string& state = instance.state().name();
  if (state == state_) return Verdict::kReached;
  if (state == "terminated") return Verdict::kSettledElsewhere;
  if (state == "shutting-down") {
    return state_ == "terminated" ? Verdict::kInProgress : Verdict::kSettledElsewhere;
  }
  if (state == "running" || state == "stopped") {
    return instance.desired_state() == state_ ? Verdict::kInProgress : Verdict::kSettledElsewhere;
  }
  return Verdict::kInProgress;
}

WaitTarget::Verdict WaitTarget::JudgeMissing() const {
  return state_ == "terminated" ? Verdict::kReached : Verdict::kSettledElsewhere;
}

}  // namespace gureum::cli
