#include "controller/core/instance_reconciler.h"

#include <string>

#include <catch2/catch.hpp>

#include "controller/core/agent_report_applier.h"
#include "controller/core/host_directory.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using std::chrono::minutes;
using testing::CoreHarness;
using testing::RunRequest;

ReconcilerOptions Options() { return ReconcilerOptions{minutes(15), minutes(10)}; }

}  // namespace

TEST_CASE("an instance pending past the deadline on a reachable host is failed with a reason") {
  // This test verifies that within the deadline nothing happens, and past it the instance goes to
  // shutting-down with Server.InternalError naming the wait and desired state terminated (so the
  // agent removes what it built), its host told.
  CoreHarness h;
  InstanceReconciler reconciler(h.core(), Options());
  const std::string host = h.AddHost("host-a");
  auto launched = h.launcher().Run(h.Ctx(), RunRequest(h.AddImage()));
  REQUIRE(launched.ok());
  const std::string id = launched->instances(0).instance_id();

  h.clock().Advance(minutes(14));
  CHECK(reconciler.RunOnce()->failed == 0);
  CHECK(h.Instance(id)->state == "pending");
  h.clock().Advance(minutes(2));
  const size_t notified = h.notifier().calls().size();
  CHECK(reconciler.RunOnce()->failed == 1);
  auto r = *h.Instance(id);
  CHECK(r.state == "shutting-down");
  CHECK(r.desired_state == "terminated");
  CHECK(r.reason_code == "Server.InternalError");
  CHECK(r.reason_message == "the host did not start the instance within 900 s");
  CHECK(h.notifier().calls().size() == notified + 1);
}

TEST_CASE("a stuck stop is retried once per timeout; unreachable hosts are left alone") {
  // This test verifies that an instance stopping past the transition timeout gets its host's
  // desired set resent with an instance.retried event, not again until another timeout passes,
  // and that nothing is failed or retried while its host is unreachable.
  CoreHarness h;
  InstanceReconciler reconciler(h.core(), Options());
  HostDirectory hosts(h.core(), h.image_index(), h.host_records());
  const std::string host = h.AddHost("host-a");
  auto launched = h.launcher().Run(h.Ctx(), RunRequest(h.AddImage(), "g1.nano", 2, 2));
  REQUIRE(launched.ok());
  const std::string stopping = launched->instances(0).instance_id();
  const std::string pending = launched->instances(1).instance_id();
  h.ForceState(stopping, "stopping", "stopped");

  h.clock().Advance(minutes(11));
  auto first = reconciler.RunOnce();
  REQUIRE(first.ok());
  CHECK(first->retried == 1);
  CHECK(first->failed == 0);  // pending for 11 min: within its 15
  CHECK(h.EventsOf(stopping).back().type == "instance.retried");
  CHECK(reconciler.RunOnce()->retried == 0);
  h.clock().Advance(minutes(11));
  REQUIRE(hosts.MarkUnreachable(host, "agent disconnected").ok());
  auto cut_off = reconciler.RunOnce();
  CHECK(cut_off->retried == 0);
  CHECK(cut_off->failed == 0);
  CHECK(h.Instance(pending)->state == "pending");
  REQUIRE(hosts.Heartbeat(host, agent::v1::Heartbeat()).ok());
  auto back = reconciler.RunOnce();
  CHECK(back->retried == 1);
  CHECK(back->failed == 1);
}

TEST_CASE("a launch that keeps failing transiently past the deadline names the last error") {
  // This test verifies that the pending timeout still bounds a launch whose
  // host keeps retrying, and that its reason carries the host's last error.
  CoreHarness h;
  InstanceReconciler reconciler(h.core(), Options());
  h.AddHost("host-a");
  auto launched = h.launcher().Run(h.Ctx(), RunRequest(h.AddImage()));
  REQUIRE(launched.ok());
  const std::string id = launched->instances(0).instance_id();
  AgentReportApplier applier(h.core());
  google::protobuf::RepeatedPtrField<agent::v1::ObservedInstance> report;
  auto* o = report.Add();
  o->set_instance_id(id);
  o->set_state(agent::v1::OBSERVED_BUILDING);
  o->set_reason_code("Server.TransientError");
  o->set_reason_message("start failed: Cannot recv data (attempt 9; retrying)");
  REQUIRE(applier.Apply(h.Instance(id)->host_id, "host-a", report).ok());

  h.clock().Advance(minutes(16));
  CHECK(reconciler.RunOnce()->failed == 1);
  auto r = *h.Instance(id);
  CHECK(r.state == "shutting-down");
  CHECK(r.reason_code == "Server.InternalError");
  CHECK(r.reason_message ==
        "the host did not start the instance within 900 s; last error: start failed: Cannot recv "
        "data (attempt 9; retrying)");
}

}  // namespace gureum::controller
