#include "controller/core/instance_state.h"

#include <set>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "common/api_error.h"

namespace gureum::controller {
namespace {

using S = InstanceState;
constexpr S kAll[] = {S::kPending,    S::kRunning,  S::kShuttingDown,
                      S::kTerminated, S::kStopping, S::kStopped};

// EC2's lifecycle, written out independently of the implementation.
const std::set<std::pair<std::string, std::string>> kLegal = {
    {"pending", "running"},       {"pending", "stopped"},          {"pending", "shutting-down"},
    {"running", "stopping"},      {"running", "stopped"},          {"running", "shutting-down"},
    {"stopping", "stopped"},      {"stopping", "shutting-down"},   {"stopped", "pending"},
    {"stopped", "shutting-down"}, {"shutting-down", "terminated"},
};

}  // namespace

TEST_CASE("every pair of states is legal exactly when EC2's lifecycle has that edge") {
  // This test verifies that the 11 legal edges of the 6x6 table are accepted by IsLegalTransition
  // and CheckTransition and the other 25 pairs refused.
  int legal = 0;
  int refused = 0;
  for (S from : kAll) {
    for (S to : kAll) {
      const std::string f(StateName(from));
      const std::string t(StateName(to));
      INFO(f << " -> " << t);
      const bool expected = kLegal.count({f, t}) == 1;
      CHECK(IsLegalTransition(from, to) == expected);
      CHECK(CheckTransition("i-0123456789abcdef0", from, to).ok() == expected);
      (expected ? legal : refused)++;
    }
  }
  CHECK(legal == 11);
  CHECK(refused == 25);
}

TEST_CASE("a refused transition is IncorrectInstanceState naming the instance and both states") {
  // This test verifies that CheckTransition refuses an illegal edge with IncorrectInstanceState
  // naming the instance and both states.
  absl::Status status = CheckTransition("i-0123456789abcdef0", S::kTerminated, S::kRunning);
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(ErrorCodeOf(status) == "IncorrectInstanceState");
  CHECK(ErrorFieldOf(status) == "InstanceId");
  const std::string message(status.message());
  CHECK_THAT(message, Catch::Contains("i-0123456789abcdef0"));
  CHECK_THAT(message, Catch::Contains("'terminated'"));
  CHECK_THAT(message, Catch::Contains("'running'"));

  absl::Status stopped = CheckTransition("i-00000001", S::kStopped, S::kStopping);
  CHECK(ErrorCodeOf(stopped) == "IncorrectInstanceState");
  CHECK_THAT(std::string(stopped.message()), Catch::Contains("i-00000001"));
}

TEST_CASE("states have EC2's names and codes and parse back") {
  // This test verifies that StateName, StateCode and ParseState match EC2's published values
  // (pending 0, running 16, ... stopped 80).
  const std::pair<S, std::pair<const char*, int>> kExpected[] = {
      {S::kPending, {"pending", 0}},
      {S::kRunning, {"running", 16}},
      {S::kShuttingDown, {"shutting-down", 32}},
      {S::kTerminated, {"terminated", 48}},
      {S::kStopping, {"stopping", 64}},
      {S::kStopped, {"stopped", 80}},
  };
  for (const auto& [state, expected] : kExpected) {
    INFO(expected.first);
    CHECK(StateName(state) == expected.first);
    CHECK(StateCode(state) == expected.second);
    REQUIRE(ParseState(expected.first).has_value());
    CHECK(*ParseState(expected.first) == state);
  }
  CHECK_FALSE(ParseState("Running").has_value());
  CHECK_FALSE(ParseState("").has_value());
  CHECK_FALSE(ParseState("shutting_down").has_value());
}

}  // namespace gureum::controller
