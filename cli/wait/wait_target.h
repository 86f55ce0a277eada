// The state an instance waiter waits for, and the judgement of one instance against
// it: there, still on its way, or settled somewhere it will not leave by itself.
// Immutable; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gureum/v1/compute.pb.h"

namespace gureum::cli {

class WaitTarget {
 public:
  enum class Verdict {
    kReached,          // in the target state
    kInProgress,       // transitioning, or asked to move towards the target
    kSettledElsewhere  // in a state it will not leave for the target on its own
  };

  static WaitTarget Running();
  static WaitTarget Stopped();
  static WaitTarget Terminated();
  // "instance-running" | "instance-stopped" | "instance-terminated".
  static std::optional<WaitTarget> FromWaiterName(std::string_view name);
  static std::vector<std::string> WaiterNames();

  const std::string& state() const { return state_; }
  const std::string& waiter_name() const { return waiter_name_; }

  // terminated and shutting-down are final unless they are the target. A stable
  // state (running, stopped) other than the target counts as settled unless the
  // instance's desired state is the target, which covers the moment between a
  // start/stop request and the state change it causes.
  Verdict Judge(const v1::Instance& instance) const;
  // For an instance DescribeInstances no longer returns: terminated instances are
  // purged, so that is success for instance-terminated and failure otherwise.
  Verdict JudgeMissing() const;

 private:
  WaitTarget(std::string state, std::string waiter_name)
      : state_(std::move(state)), waiter_name_(std::move(waiter_name)) {}

  std::string state_;
  std::string waiter_name_;
};

}  // namespace gureum::cli
