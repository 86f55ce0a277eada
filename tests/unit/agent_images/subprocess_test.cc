#include "agent/images/subprocess.h"

#include <chrono>

#include <catch2/catch.hpp>

namespace gureum::agent {
namespace {

using namespace std::chrono_literals;

TEST_CASE("run process captures stdout, stderr and the exit code") {
  // This test verifies that both streams and a non-zero exit are reported.
  absl::StatusOr<ProcessResult> result = RunProcess({"sh", "-c", "echo out; echo err >&2; exit 3"});
  REQUIRE(result.ok());
  CHECK(result->exit_code == 3);
  CHECK(result->stdout_data == "out\n");
  CHECK(result->stderr_data == "err\n");
}

TEST_CASE("run process passes arguments verbatim, without a shell") {
  // This test verifies that shell syntax in an argument reaches the program
  // as text, so user-supplied values cannot run commands.
  absl::StatusOr<std::string> out = RunProcessChecked({"echo", "$(id) `id`; rm -rf / && |"});
  REQUIRE(out.ok());
  CHECK(*out == "$(id) `id`; rm -rf / && |\n");
}

TEST_CASE("run process reports a program that cannot be started") {
  // This test verifies that a missing binary is an error naming it.
  absl::StatusOr<ProcessResult> result = RunProcess({"/nonexistent/tool", "x"});
  CHECK(absl::IsFailedPrecondition(result.status()));
  CHECK(std::string(result.status().message()).find("/nonexistent/tool") != std::string::npos);
}

TEST_CASE("run process checked turns a failure into an error with stderr") {
  // This test verifies that the error names the command, its exit code and
  // what it printed on stderr.
  absl::StatusOr<std::string> out = RunProcessChecked({"sh", "-c", "echo broken >&2; exit 2"});
  REQUIRE_FALSE(out.ok());
  CHECK(std::string(out.status().message()).find("exited with 2: broken") != std::string::npos);
}

TEST_CASE("run process kills a program that outlives its timeout") {
  // This test verifies that a hung tool is killed and reported as
  // DeadlineExceeded, long before it would have finished.
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<ProcessResult> result = RunProcess({"sleep", "30"}, {.timeout = 200ms});
  CHECK(absl::IsDeadlineExceeded(result.status()));
  CHECK(std::chrono::steady_clock::now() - start < 10s);
}

TEST_CASE("run process bounds the output it keeps") {
  // This test verifies that output beyond max_output_bytes is dropped while
  // the program still runs to completion.
  absl::StatusOr<ProcessResult> result =
      RunProcess({"head", "-c", "100000", "/dev/zero"}, {.max_output_bytes = 1000});
  REQUIRE(result.ok());
  CHECK(result->exit_code == 0);
  CHECK(result->stdout_data.size() == 1000);
}

}  // namespace
}  // namespace gureum::agent
