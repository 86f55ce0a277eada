#include "cli/wait/wait_target.h"

#include <catch2/catch.hpp>

namespace gureum::cli {
namespace {

using Verdict = WaitTarget::Verdict;

v1::Instance InState(const std::string& state, const std::string& desired = "") {
  v1::Instance instance;
  instance.mutable_state()->set_name(state);
  instance.set_desired_state(desired);
  return instance;
}

}  // namespace

TEST_CASE("waiters are found by their aws names") {
  // This test verifies the three waiter names and that others are unknown.
  CHECK(WaitTarget::FromWaiterName("instance-running")->state() == "running");
  CHECK(WaitTarget::FromWaiterName("instance-stopped")->state() == "stopped");
  CHECK(WaitTarget::FromWaiterName("instance-terminated")->state() == "terminated");
  CHECK_FALSE(WaitTarget::FromWaiterName("instance-exists").has_value());
  CHECK(WaitTarget::WaiterNames().size() == 3);
}

TEST_CASE("waiting for running follows pending and fails on terminal states") {
  // This test verifies the verdicts of instance-running for each state.
  WaitTarget running = WaitTarget::Running();
  CHECK(running.Judge(InState("running")) == Verdict::kReached);
  CHECK(running.Judge(InState("pending", "running")) == Verdict::kInProgress);
  CHECK(running.Judge(InState("terminated", "terminated")) == Verdict::kSettledElsewhere);
  CHECK(running.Judge(InState("shutting-down", "terminated")) == Verdict::kSettledElsewhere);
  CHECK(running.Judge(InState("stopped", "stopped")) == Verdict::kSettledElsewhere);
  CHECK(running.Judge(InState("stopping", "stopped")) == Verdict::kInProgress);
}

TEST_CASE("a stable state is still in progress while the desired state is the target") {
  // This test verifies that "stopped" right after a start request is not a failure.
  CHECK(WaitTarget::Running().Judge(InState("stopped", "running")) == Verdict::kInProgress);
  CHECK(WaitTarget::Stopped().Judge(InState("running", "stopped")) == Verdict::kInProgress);
  CHECK(WaitTarget::Stopped().Judge(InState("running", "running")) == Verdict::kSettledElsewhere);
}

TEST_CASE("waiting for terminated follows shutting-down") {
  // This test verifies that shutting-down only fails waiters for other states.
  WaitTarget terminated = WaitTarget::Terminated();
  CHECK(terminated.Judge(InState("shutting-down", "terminated")) == Verdict::kInProgress);
  CHECK(terminated.Judge(InState("terminated")) == Verdict::kReached);
  CHECK(terminated.Judge(InState("running", "terminated")) == Verdict::kInProgress);
  CHECK(terminated.Judge(InState("running", "running")) == Verdict::kSettledElsewhere);
}

TEST_CASE("a vanished instance counts as terminated and nothing else") {
  // This test verifies the verdict for an instance no longer listed (purged).
  CHECK(WaitTarget::Terminated().JudgeMissing() == Verdict::kReached);
  CHECK(WaitTarget::Running().JudgeMissing() == Verdict::kSettledElsewhere);
}

}  // namespace gureum::cli
