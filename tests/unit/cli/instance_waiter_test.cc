#include "cli/wait/instance_waiter.h"

#include <catch2/catch.hpp>

#include "cli/rpc/channel_factory.h"
#include "common/api_error.h"
#include "tests/unit/cli/cli_harness.h"

namespace gureum::cli {
namespace {

using std::chrono::milliseconds;
using testing::CliHarness;

// Records every frame instead of drawing it.
class RecordingProgress final : public WaitProgress {
 public:
  void Update(const std::vector<InstanceProgress>& rows, std::string_view note) override {
    frames.push_back(rows);
    notes.emplace_back(note);
  }
  void Finish() override { ++finished; }
  std::vector<std::vector<InstanceProgress>> frames;
  std::vector<std::string> notes;
  int finished = 0;
};

// Launches `count` instances on the fake and returns their ids.
std::vector<std::string> Launch(CliHarness& harness, int count) {
  ComputeClient client(harness.NewStub(), "fake", milliseconds(5000), nullptr);
  v1::RunInstancesRequest request;
  request.set_image_id("ami-1");
  request.set_min_count(count);
  request.set_max_count(count);
  auto result = client.RunInstances(request);
  REQUIRE(result.ok());
  std::vector<std::string> ids;
  for (const auto& instance : result.response.instances()) ids.push_back(instance.instance_id());
  return ids;
}

}  // namespace

TEST_CASE("the waiter polls until every instance is running") {
  // This test verifies that the waiter sleeps the poll interval between calls and
  // returns once all instances reached the target, with the final states.
  CliHarness harness;
  harness.service().SetLaunchStates({"pending", "pending", "running"});
  auto ids = Launch(harness, 2);
  ComputeClient client(harness.NewStub(), "fake", milliseconds(5000), nullptr);
  InstanceWaiter waiter(client, harness.clock, harness.sleeper);
  RecordingProgress progress;

  WaitResult result = waiter.Wait(ids, WaitTarget::Running(), WaitSettings{}, progress);

  CHECK(result.outcome == WaitResult::Outcome::kReached);
  CHECK(result.last_seen.at(ids[1]).state().name() == "running");
  CHECK(harness.service().CallCount("DescribeInstances") == 3);
  CHECK(harness.sleeper.slept == std::vector<milliseconds>{milliseconds(500), milliseconds(500)});
  CHECK(result.elapsed == milliseconds(1000));
  REQUIRE(progress.frames.size() == 3);
  CHECK(progress.frames[0][0].state == "pending");
  CHECK(progress.frames[2][0].verdict == WaitTarget::Verdict::kReached);
  CHECK(progress.finished == 1);
}

TEST_CASE("the waiter stops at once when an instance ends in another terminal state") {
  // This test verifies that a terminated instance ends a wait for running with its
  // reason, without waiting for the other instances.
  CliHarness harness;
  harness.service().SetLaunchStates({"pending", "pending", "pending"});
  auto ids = Launch(harness, 2);
  harness.service().ScriptStates(ids[1], {"pending", "terminated"}, "Server.InternalError",
                                 "image blob missing");
  ComputeClient client(harness.NewStub(), "fake", milliseconds(5000), nullptr);
  InstanceWaiter waiter(client, harness.clock, harness.sleeper);
  RecordingProgress progress;

  WaitResult result = waiter.Wait(ids, WaitTarget::Running(), WaitSettings{}, progress);

  CHECK(result.outcome == WaitResult::Outcome::kSettledElsewhere);
  CHECK(result.culprit == ids[1]);
  CHECK(result.last_seen.at(ids[1]).state_reason().message() == "image blob missing");
  CHECK(harness.service().CallCount("DescribeInstances") == 2);
  CHECK(progress.frames.back()[1].reason == "Server.InternalError: image blob missing");
}

TEST_CASE("the waiter gives up at the timeout, naming an instance not yet there") {
  // This test verifies that time is measured on the injected clock and that the last
  // sleep is cut short so the wait ends on time.
  CliHarness harness;
  harness.service().SetLaunchStates({"pending"});
  auto ids = Launch(harness, 1);
  ComputeClient client(harness.NewStub(), "fake", milliseconds(5000), nullptr);
  InstanceWaiter waiter(client, harness.clock, harness.sleeper);
  RecordingProgress progress;

  WaitResult result = waiter.Wait(ids, WaitTarget::Running(),
                                  WaitSettings{milliseconds(1200), milliseconds(500)}, progress);

  CHECK(result.outcome == WaitResult::Outcome::kTimedOut);
  CHECK(result.culprit == ids[0]);
  CHECK(result.elapsed == milliseconds(1200));
  CHECK(harness.sleeper.slept ==
        std::vector<milliseconds>{milliseconds(500), milliseconds(500), milliseconds(200)});
  CHECK(harness.service().CallCount("DescribeInstances") == 4);
}

TEST_CASE("the waiter rides out a passing outage after the server answered") {
  // This test verifies that a status without an ErrorDetail (connection dropped) is
  // shown as a note and retried once the server has answered before.
  CliHarness harness;
  harness.service().SetLaunchStates({"pending", "running"});
  auto ids = Launch(harness, 1);
  ComputeClient client(harness.NewStub(), "fake", milliseconds(5000), nullptr);
  InstanceWaiter waiter(client, harness.clock, harness.sleeper);
  RecordingProgress progress;

  // The first poll answers; make the second one fail as a dropped connection would.
  class FailSecondPoll final : public WaitProgress {
   public:
    FailSecondPoll(testing::FakeComputeService& service, RecordingProgress& inner)
        : service_(service), inner_(inner) {}
    void Update(const std::vector<InstanceProgress>& rows, std::string_view note) override {
      if (inner_.frames.empty()) {
        service_.FailNextWithTransportStatus(
            "DescribeInstances", grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection reset"));
      }
      inner_.Update(rows, note);
    }
    void Finish() override { inner_.Finish(); }

   private:
    testing::FakeComputeService& service_;
    RecordingProgress& inner_;
  } failing(harness.service(), progress);

  WaitResult result = waiter.Wait(ids, WaitTarget::Running(), WaitSettings{}, failing);

  CHECK(result.outcome == WaitResult::Outcome::kReached);
  REQUIRE(progress.notes.size() == 3);
  CHECK(progress.notes[0].empty());
  CHECK(progress.notes[1].find("Could not connect to the endpoint fake") != std::string::npos);
  CHECK(progress.notes[1].find("retrying") != std::string::npos);
  CHECK(progress.notes[2].empty());
}

TEST_CASE("the waiter ends at once on an API error") {
  // This test verifies that an error from the server itself is not retried.
  CliHarness harness;
  auto ids = Launch(harness, 1);
  ComputeClient client(harness.NewStub(), "fake", milliseconds(5000), nullptr);
  InstanceWaiter waiter(client, harness.clock, harness.sleeper);
  RecordingProgress progress;
  harness.service().FailNext(
      "DescribeInstances",
      ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidInstanceIdMalformed, "", "bad"));

  WaitResult result = waiter.Wait(ids, WaitTarget::Running(), WaitSettings{}, progress);

  CHECK(result.outcome == WaitResult::Outcome::kCallFailed);
  CHECK(result.last_failure.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(harness.sleeper.slept.empty());
}

TEST_CASE("the waiter fails fast when the endpoint never answered") {
  // This test verifies that a wrong endpoint ends the wait on the first poll instead
  // of retrying until the timeout.
  CliHarness harness;
  // Port 1 on the loopback refuses connections at once.
  ComputeClient client(ConnectToCompute("127.0.0.1:1", ""), "127.0.0.1:1", milliseconds(5000),
                       nullptr);
  InstanceWaiter waiter(client, harness.clock, harness.sleeper);
  RecordingProgress progress;
  WaitResult result = waiter.Wait({"i-1"}, WaitTarget::Running(), WaitSettings{}, progress);
  CHECK(result.outcome == WaitResult::Outcome::kCallFailed);
  CHECK(result.last_failure.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(harness.sleeper.slept.empty());
}

}  // namespace gureum::cli
