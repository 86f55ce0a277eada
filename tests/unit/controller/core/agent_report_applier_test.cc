#include "controller/core/agent_report_applier.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "controller/core/instance_launcher.h"
#include "controller/core/instance_power.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using agent::v1::ObservedState;
using testing::CoreHarness;

// One launched instance on host-a (and an empty host-b), with helpers to
// report what an agent observed.
class ReportHarness : public CoreHarness {
 public:
  ReportHarness() : applier_(core()), power_(core()) {
    host_a_ = AddHost("host-a", 8, 16384);
    host_b_ = AddHost("host-b", 8, 1024);  // too small for g1.small: all launches go to host-a
    image_ = AddImage();
    id_ = Launch();
    notifier().Clear();
  }

  std::string Launch() {
    auto response = launcher().Run(Ctx(), testing::RunRequest(image_));
    if (!response.ok()) throw std::runtime_error(response.status().ToString());
    return response->instances(0).instance_id();
  }

  absl::Status Report(const std::string& host_id, const std::string& host_name,
                      const std::string& instance_id, ObservedState state,
                      const std::string& ip = "", const std::string& reason_message = "",
                      const std::string& reason_code = "") {
    google::protobuf::RepeatedPtrField<agent::v1::ObservedInstance> report;
    auto* o = report.Add();
    o->set_instance_id(instance_id);
    o->set_state(state);
    o->set_private_ip_address(ip);
    o->set_reason_code(reason_code);
    o->set_reason_message(reason_message);
    return applier_.Apply(host_id, host_name, report);
  }
  // What an agent reports while it retries a transient failure, or about a
  // guest someone else paused.
  absl::Status ReportReasonA(ObservedState state, const std::string& code,
                             const std::string& message) {
    return Report(host_a_, "host-a", id_, state, "", message, code);
  }
  absl::Status ReportA(ObservedState state, const std::string& ip = "",
                       const std::string& reason = "") {
    return Report(host_a_, "host-a", id_, state, ip, reason);
  }

  InstanceRecord Row() { return *Instance(id_); }
  AgentReportApplier& applier() { return applier_; }
  InstancePower& power() { return power_; }
  const std::string& id() const { return id_; }
  const std::string& host_a() const { return host_a_; }
  const std::string& host_b() const { return host_b_; }

 private:
  AgentReportApplier applier_;
  InstancePower power_;
  std::string host_a_, host_b_, image_, id_;
};

}  // namespace

TEST_CASE("a RUNNING report moves a pending instance to running") {
  // This test verifies that a RUNNING report moves a pending instance to running, keeps the address
  // the controller allocated at launch whatever the agent reports and records an event stamped by
  // the agent, and that the host is not sent its desired set again: it did not change.
  ReportHarness h;
  const std::string allocated = h.Row().private_ip;
  REQUIRE_FALSE(allocated.empty());
  h.clock().Advance(std::chrono::seconds(5));
  h.notifier().Clear();
  REQUIRE(h.ReportA(ObservedState::OBSERVED_RUNNING, "10.0.0.5").ok());
  auto row = h.Row();
  CHECK(row.state == "running");
  CHECK(row.reason_code.empty());
  CHECK(row.private_ip == allocated);
  CHECK(row.state_changed_at == h.clock().NowMillis());
  auto event = h.EventsOf(h.id()).back();
  CHECK(event.from_state == "pending");
  CHECK(event.to_state == "running");
  CHECK(event.actor == "agent:host-a");
  CHECK(event.project_id == "default");
  CHECK(h.notifier().calls().empty());
}

TEST_CASE("a STOPPED report completes a user's stop") {
  // This test verifies that a STOPPED report moves a stopping instance to stopped with the
  // user-initiated reason.
  ReportHarness h;
  REQUIRE(h.ReportA(ObservedState::OBSERVED_RUNNING).ok());
  REQUIRE(h.power().Stop(h.Ctx(), {h.id()}, false).ok());
  REQUIRE(h.ReportA(ObservedState::OBSERVED_STOPPED).ok());
  auto row = h.Row();
  CHECK(row.state == "stopped");
  CHECK(row.desired_state == "stopped");
  CHECK(row.reason_code == "Client.UserInitiatedShutdown");
}

TEST_CASE("an ABSENT report completes a termination and releases the private IP") {
  // This test verifies that an ABSENT report moves a shutting-down instance to terminated, sets
  // terminated_at and clears the private IP so it can be reused.
  ReportHarness h;
  const std::string allocated = h.Row().private_ip;
  REQUIRE_FALSE(allocated.empty());
  REQUIRE(h.ReportA(ObservedState::OBSERVED_RUNNING).ok());
  REQUIRE(h.power().Terminate(h.Ctx(), {h.id()}).ok());
  CHECK(h.Row().private_ip == allocated);  // still held while shutting down
  h.clock().Advance(std::chrono::seconds(3));
  h.notifier().Clear();
  REQUIRE(h.ReportA(ObservedState::OBSERVED_ABSENT).ok());
  auto row = h.Row();
  CHECK(h.notifier().calls() == std::vector<std::string>{h.host_a()});  // it left the set
  CHECK(row.state == "terminated");
  CHECK(row.reason_code == "Client.UserInitiatedShutdown");
  CHECK(row.private_ip.empty());
  CHECK(row.terminated_at == std::optional<int64_t>(h.clock().NowMillis()));
}

TEST_CASE("a FAILED build shuts the instance down with the host's reason, kept until terminated") {
  // This test verifies that a FAILED report moves a pending instance to shutting-down with
  // Server.InternalError and the agent's message and desired terminated, and that the following
  // ABSENT terminates it keeping that reason.
  ReportHarness h;
  REQUIRE(h.ReportA(ObservedState::OBSERVED_FAILED, "", "image checksum mismatch").ok());
  auto row = h.Row();
  CHECK(row.state == "shutting-down");
  CHECK(row.desired_state == "terminated");
  CHECK(row.reason_code == "Server.InternalError");
  CHECK(row.reason_message == "image checksum mismatch");

  REQUIRE(h.ReportA(ObservedState::OBSERVED_ABSENT).ok());
  row = h.Row();
  CHECK(row.state == "terminated");
  CHECK(row.reason_code == "Server.InternalError");
  CHECK(row.reason_message == "image checksum mismatch");
}

TEST_CASE("a FAILED report without a message gets a generic reason") {
  // This test verifies that a FAILED report without a message records a generic reason.
  ReportHarness h;
  REQUIRE(h.ReportA(ObservedState::OBSERVED_FAILED).ok());
  CHECK(h.Row().reason_message == "the host could not start the instance");
}

TEST_CASE("a guest that powers itself off is stopped with the instance-initiated reason") {
  // This test verifies that a STOPPED report for a running instance that should run stops it with
  // Client.InstanceInitiatedShutdown and desired stopped, so it stays off.
  // The host gets its desired set again, with the instance now to stay stopped.
  ReportHarness h;
  REQUIRE(h.ReportA(ObservedState::OBSERVED_RUNNING).ok());
  h.notifier().Clear();
  REQUIRE(h.ReportA(ObservedState::OBSERVED_STOPPED).ok());
  auto row = h.Row();
  CHECK(row.state == "stopped");
  CHECK(row.desired_state == "stopped");
  CHECK(row.reason_code == "Client.InstanceInitiatedShutdown");
  CHECK(row.reason_message == "Instance initiated shutdown");
  CHECK(h.notifier().calls() == std::vector<std::string>{h.host_a()});
}

TEST_CASE("a report from a host the instance is not placed on is refused and changes nothing") {
  // This test verifies that host-b cannot move host-a's instance or set its IP: the report is
  // refused with PERMISSION_DENIED naming the instance (node restriction) and nothing is applied.
  ReportHarness h;
  const int64_t events_before = h.LastEvent();
  const std::string allocated = h.Row().private_ip;
  auto running =
      h.Report(h.host_b(), "host-b", h.id(), ObservedState::OBSERVED_RUNNING, "10.9.9.9");
  CHECK(absl::IsPermissionDenied(running));
  CHECK(std::string(running.message()).find(h.id()) != std::string::npos);
  CHECK(absl::IsPermissionDenied(
      h.Report(h.host_b(), "host-b", h.id(), ObservedState::OBSERVED_FAILED)));
  auto row = h.Row();
  CHECK(row.state == "pending");
  CHECK(row.private_ip == allocated);
  CHECK(h.LastEvent() == events_before);
  CHECK(h.notifier().calls().empty());
}

TEST_CASE("reports that do not fit the current state change nothing and fail nothing") {
  // This test verifies that reports that lag behind the controller's state (RUNNING for a stopping
  // instance, ABSENT or STOPPED for a pending one, an unknown id) change nothing and do not stop
  // the rest of the report from applying.
  ReportHarness h;
  REQUIRE(h.ReportA(ObservedState::OBSERVED_ABSENT).ok());
  REQUIRE(h.ReportA(ObservedState::OBSERVED_STOPPED).ok());
  CHECK(h.Row().state == "pending");

  REQUIRE(h.ReportA(ObservedState::OBSERVED_RUNNING).ok());
  REQUIRE(h.power().Stop(h.Ctx(), {h.id()}, false).ok());
  REQUIRE(h.ReportA(ObservedState::OBSERVED_RUNNING).ok());
  CHECK(h.Row().state == "stopping");

  google::protobuf::RepeatedPtrField<agent::v1::ObservedInstance> report;
  auto* ghost = report.Add();
  ghost->set_instance_id("i-0123456789abcdef0");
  ghost->set_state(ObservedState::OBSERVED_RUNNING);
  auto* real = report.Add();
  real->set_instance_id(h.id());
  real->set_state(ObservedState::OBSERVED_STOPPED);
  REQUIRE(h.applier().Apply(h.host_a(), "host-a", report).ok());
  CHECK(h.Row().state == "stopped");

  google::protobuf::RepeatedPtrField<agent::v1::ObservedInstance> empty;
  CHECK(h.applier().Apply(h.host_a(), "host-a", empty).ok());
}

TEST_CASE("a transient failure the host retries is shown as the pending instance's reason") {
  // This test verifies that BUILDING with Server.TransientError keeps the
  // instance pending (nothing is terminated by a transient error), records
  // the host's words as its state reason with one event per new reason
  // code, and that the reason goes once the instance runs.
  ReportHarness h;
  const size_t events = h.EventsOf(h.id()).size();
  REQUIRE(h.ReportReasonA(ObservedState::OBSERVED_BUILDING, "Server.TransientError",
                          "start failed: Cannot recv data (attempt 1; retrying)")
              .ok());
  REQUIRE(h.ReportReasonA(ObservedState::OBSERVED_BUILDING, "Server.TransientError",
                          "start failed: Cannot recv data (attempt 2; retrying)")
              .ok());
  InstanceRecord r = h.Row();
  CHECK(r.state == "pending");
  CHECK(r.desired_state == "running");
  CHECK(r.reason_code == "Server.TransientError");
  CHECK(r.reason_message == "start failed: Cannot recv data (attempt 2; retrying)");
  CHECK(h.EventsOf(h.id()).size() == events + 1);
  CHECK(h.EventsOf(h.id()).back().type == "instance.host-reason");
  CHECK(h.notifier().calls().empty());  // the host's desired set is unchanged

  REQUIRE(h.ReportA(ObservedState::OBSERVED_RUNNING, "10.0.0.5").ok());
  r = h.Row();
  CHECK(r.state == "running");
  CHECK(r.reason_code.empty());
  CHECK(r.reason_message.empty());
}

TEST_CASE("a paused guest is never taken for a running one") {
  // This test verifies that PAUSED leaves a pending instance pending and
  // says why, and that a running instance whose guest is paused keeps its
  // state with the reason until the guest runs again.
  ReportHarness h;
  REQUIRE(h.ReportReasonA(ObservedState::OBSERVED_PAUSED, "Server.Paused",
                          "the guest is paused on its host (user)")
              .ok());
  CHECK(h.Row().state == "pending");
  CHECK(h.Row().reason_code == "Server.Paused");

  REQUIRE(h.ReportA(ObservedState::OBSERVED_RUNNING, "10.0.0.5").ok());
  REQUIRE(h.Row().state == "running");
  REQUIRE(h.ReportReasonA(ObservedState::OBSERVED_PAUSED, "Server.Paused",
                          "the guest is paused on its host (user)")
              .ok());
  CHECK(h.Row().state == "running");
  CHECK(h.Row().reason_message == "the guest is paused on its host (user)");
  REQUIRE(h.ReportA(ObservedState::OBSERVED_RUNNING, "10.0.0.5").ok());
  CHECK(h.Row().reason_code.empty());
}

TEST_CASE("a transient reason is neither kept nor recorded once the user terminates") {
  // This test verifies that a transient reason recorded while pending gives
  // way to the user's termination, and that the host's retries while it
  // removes the instance do not overwrite why it is being terminated.
  ReportHarness h;
  REQUIRE(h.ReportReasonA(ObservedState::OBSERVED_BUILDING, "Server.TransientError",
                          "define failed: Cannot recv data (attempt 1; retrying)")
              .ok());
  REQUIRE(h.power().Terminate(h.Ctx(), {h.id()}).ok());
  REQUIRE(h.ReportReasonA(ObservedState::OBSERVED_STOPPING, "Server.TransientError",
                          "undefine failed: Cannot recv data (attempt 1; retrying)")
              .ok());
  CHECK(h.Row().reason_code == "Client.UserInitiatedShutdown");
  REQUIRE(h.ReportA(ObservedState::OBSERVED_ABSENT).ok());
  InstanceRecord r = h.Row();
  CHECK(r.state == "terminated");
  CHECK(r.reason_code == "Client.UserInitiatedShutdown");
}

}  // namespace gureum::controller
