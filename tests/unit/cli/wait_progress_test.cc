#include <sstream>

#include <catch2/catch.hpp>

#include "cli/wait/live_wait_progress.h"
#include "cli/wait/plain_wait_progress.h"

namespace gureum::cli {
namespace {

InstanceProgress Row(const std::string& id, const std::string& state, int elapsed_ms,
                     WaitTarget::Verdict verdict = WaitTarget::Verdict::kInProgress,
                     const std::string& reason = "") {
  InstanceProgress row;
  row.instance_id = id;
  row.state = state;
  row.elapsed = std::chrono::milliseconds(elapsed_ms);
  row.verdict = verdict;
  row.reason = reason;
  return row;
}

}  // namespace

TEST_CASE("plain progress prints a line only when a state changes") {
  // This test verifies that repeated polls in the same state stay quiet.
  std::ostringstream out;
  PlainWaitProgress progress(out);
  progress.Update({Row("i-1", "pending", 0), Row("i-22", "pending", 0)}, "");
  progress.Update({Row("i-1", "pending", 500), Row("i-22", "pending", 500)}, "");
  progress.Update(
      {Row("i-1", "running", 1000, WaitTarget::Verdict::kReached), Row("i-22", "pending", 1000)},
      "");
  progress.Finish();
  CHECK(out.str() ==
        "i-1   pending        0.0s\n"
        "i-22  pending        0.0s\n"
        "i-1   running        1.0s     done\n");
}

TEST_CASE("plain progress shows a failure's reason and a passing problem once") {
  // This test verifies the failed line and that a repeated note is not repeated.
  std::ostringstream out;
  PlainWaitProgress progress(out);
  progress.Update({Row("i-1", "pending", 0)}, "");
  progress.Update({Row("i-1", "pending", 0)}, "cannot reach; retrying");
  progress.Update({Row("i-1", "pending", 0)}, "cannot reach; retrying");
  progress.Update({Row("i-1", "terminated", 900, WaitTarget::Verdict::kSettledElsewhere,
                       "Server.InternalError: no image")},
                  "");
  CHECK(out.str() ==
        "i-1  pending        0.0s\n"
        "cannot reach; retrying\n"
        "i-1  terminated     0.9s     failed  Server.InternalError: no image\n");
}

TEST_CASE("live progress redraws its lines in place") {
  // This test verifies that the second frame moves the cursor up over the first.
  std::ostringstream out;
  LiveWaitProgress progress(out, /*color=*/false);
  progress.Update({Row("i-1", "pending", 0), Row("i-2", "pending", 0)}, "");
  std::string first = out.str();
  CHECK(first == "i-1  pending        0.0s\ni-2  pending        0.0s\n");
  progress.Update(
      {Row("i-1", "running", 500, WaitTarget::Verdict::kReached), Row("i-2", "pending", 500)},
      "note");
  CHECK(out.str().substr(first.size()) ==
        "\x1b[2A\r\x1b[J"
        "i-1  running        0.5s     done\n"
        "i-2  pending        0.5s\n"
        "note\n");
  progress.Update({Row("i-1", "running", 500, WaitTarget::Verdict::kReached)}, "");
  CHECK(out.str().find("\x1b[3A") != std::string::npos);
}

TEST_CASE("live progress colours states when asked") {
  // This test verifies that the state cell carries an ANSI colour on a terminal.
  std::ostringstream out;
  LiveWaitProgress progress(out, /*color=*/true);
  progress.Update({Row("i-1", "running", 0, WaitTarget::Verdict::kReached)}, "");
  CHECK(out.str().find("\x1b[32mrunning\x1b[0m") != std::string::npos);
}

}  // namespace gureum::cli
