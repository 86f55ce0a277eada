#include "controller/core/instance_power.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "controller/core/instance_launcher.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::CoreHarness;

// A harness with one host and `count` launched instances, put into `state`.
class PowerHarness : public CoreHarness {
 public:
  explicit PowerHarness(int count = 1, const std::string& state = "running") : power_(core()) {
    host_ = AddHost("host-a");
    auto response =
        launcher().Run(Ctx(), testing::RunRequest(AddImage(), "g1.small", count, count));
    if (!response.ok()) throw std::runtime_error(response.status().ToString());
    for (const auto& i : response->instances()) {
      ids_.push_back(i.instance_id());
      Put(i.instance_id(), state);
    }
    notifier().Clear();
  }

  // Puts an instance into `state` with the desired state that goes with it.
  void Put(const std::string& id, const std::string& state) {
    const std::string desired = state == "stopping" || state == "stopped"           ? "stopped"
                                : state == "shutting-down" || state == "terminated" ? "terminated"
                                                                                    : "running";
    ForceState(id, state, desired);
  }

  InstancePower& power() { return power_; }
  const std::string& id(size_t n = 0) const { return ids_.at(n); }
  const std::string& host() const { return host_; }
  std::string StateOf(size_t n = 0) { return Instance(id(n))->state; }

 private:
  InstancePower power_;
  std::string host_;
  std::vector<std::string> ids_;
};

void CheckChange(const v1::InstanceStateChange& change, const std::string& id,
                 const std::string& previous, int previous_code, const std::string& current,
                 int current_code) {
  CHECK(change.instance_id() == id);
  CHECK(change.previous_state().name() == previous);
  CHECK(change.previous_state().code() == previous_code);
  CHECK(change.current_state().name() == current);
  CHECK(change.current_state().code() == current_code);
}

}  // namespace

TEST_CASE("stopping a running instance moves it to stopping and asks its host to stop it") {
  // This test verifies that stopping a running instance sets state stopping, desired stopped and
  // the reason, records an event and notifies its host.
  PowerHarness h(1, "running");
  const int64_t events_before = h.LastEvent();
  auto r = h.power().Stop(h.Ctx(), {h.id()}, false);
  REQUIRE(r.ok());
  REQUIRE(r->instances_size() == 1);
  CheckChange(r->instances(0), h.id(), "running", 16, "stopping", 64);
  auto row = *h.Instance(h.id());
  CHECK(row.state == "stopping");
  CHECK(row.desired_state == "stopped");
  CHECK_FALSE(row.force_stop);
  CHECK(row.reason_code == "Client.UserInitiatedShutdown");
  auto events = h.EventsOf(h.id());
  REQUIRE(h.LastEvent() > events_before);
  CHECK(events.back().type == "instance.state-changed");
  CHECK(events.back().from_state == "running");
  CHECK(events.back().to_state == "stopping");
  CHECK(h.notifier().calls() == std::vector<std::string>{h.host()});
}

TEST_CASE("a forced stop is recorded, also on an instance already stopping") {
  // This test verifies that force reaches the desired state, including the
  // upgrade of a graceful stop under way to a forced one.
  PowerHarness h(2, "running");
  REQUIRE(h.power().Stop(h.Ctx(), {h.id(0)}, true).ok());
  CHECK(h.Instance(h.id(0))->force_stop);

  REQUIRE(h.power().Stop(h.Ctx(), {h.id(1)}, false).ok());
  CHECK_FALSE(h.Instance(h.id(1))->force_stop);
  h.notifier().Clear();
  auto again = h.power().Stop(h.Ctx(), {h.id(1)}, true);
  REQUIRE(again.ok());
  CheckChange(again->instances(0), h.id(1), "stopping", 64, "stopping", 64);
  CHECK(h.Instance(h.id(1))->force_stop);
  CHECK(h.notifier().calls() == std::vector<std::string>{h.host()});
}

TEST_CASE("stopping a stopped instance succeeds and changes nothing") {
  // This test verifies that stopping a stopped instance succeeds with no new state and no event.
  PowerHarness h(1, "stopped");
  const int64_t events_before = h.LastEvent();
  auto r = h.power().Stop(h.Ctx(), {h.id()}, false);
  REQUIRE(r.ok());
  CheckChange(r->instances(0), h.id(), "stopped", 80, "stopped", 80);
  CHECK(h.StateOf() == "stopped");
  CHECK(h.LastEvent() == events_before);
  CHECK(h.notifier().calls().empty());
}

TEST_CASE("stopping a pending instance is refused") {
  // This test verifies that Stop checks the lifecycle: pending cannot stop.
  PowerHarness h(1, "pending");
  auto r = h.power().Stop(h.Ctx(), {h.id()}, false);
  REQUIRE_FALSE(r.ok());
  CHECK(ErrorCodeOf(r.status()) == "IncorrectInstanceState");
  CHECK_THAT(std::string(r.status().message()), Catch::Contains(h.id()));
  CHECK(h.StateOf() == "pending");
}

TEST_CASE("starting a stopped instance makes it pending with desired running") {
  // This test verifies that starting a stopped instance makes it pending with desired running and
  // clears a forced stop's flag.
  PowerHarness h(1, "running");
  REQUIRE(h.power().Stop(h.Ctx(), {h.id()}, true).ok());
  h.Put(h.id(), "stopped");
  h.notifier().Clear();

  auto r = h.power().Start(h.Ctx(), {h.id()});
  REQUIRE(r.ok());
  CheckChange(r->instances(0), h.id(), "stopped", 80, "pending", 0);
  auto row = *h.Instance(h.id());
  CHECK(row.state == "pending");
  CHECK(row.desired_state == "running");
  CHECK_FALSE(row.force_stop);
  CHECK(h.notifier().calls() == std::vector<std::string>{h.host()});
}

TEST_CASE("starting a running instance succeeds and starting a stopping one is refused") {
  // This test verifies that starting a running instance succeeds without change and starting a
  // stopping one is refused.
  PowerHarness h(2, "running");
  auto same = h.power().Start(h.Ctx(), {h.id(0)});
  REQUIRE(same.ok());
  CheckChange(same->instances(0), h.id(0), "running", 16, "running", 16);

  h.Put(h.id(1), "stopping");
  auto r = h.power().Start(h.Ctx(), {h.id(1)});
  CHECK(ErrorCodeOf(r.status()) == "IncorrectInstanceState");
  CHECK(h.StateOf(1) == "stopping");
}

TEST_CASE("terminating moves any live instance to shutting-down and is idempotent") {
  // This test verifies that terminating moves running, stopped and pending instances to
  // shutting-down and that terminating a shutting-down or terminated instance succeeds without
  // changing it.
  PowerHarness h(5, "running");
  h.Put(h.id(1), "stopped");
  h.Put(h.id(2), "pending");
  h.Put(h.id(3), "shutting-down");
  h.Put(h.id(4), "terminated");
  const int64_t events_before = h.LastEvent();

  auto r = h.power().Terminate(h.Ctx(), {h.id(0), h.id(1), h.id(2), h.id(3), h.id(4)});
  REQUIRE(r.ok());
  REQUIRE(r->instances_size() == 5);
  CheckChange(r->instances(0), h.id(0), "running", 16, "shutting-down", 32);
  CheckChange(r->instances(1), h.id(1), "stopped", 80, "shutting-down", 32);
  CheckChange(r->instances(2), h.id(2), "pending", 0, "shutting-down", 32);
  CheckChange(r->instances(3), h.id(3), "shutting-down", 32, "shutting-down", 32);
  CheckChange(r->instances(4), h.id(4), "terminated", 48, "terminated", 48);
  for (size_t n = 0; n < 3; ++n) {
    auto row = *h.Instance(h.id(n));
    CHECK(row.state == "shutting-down");
    CHECK(row.desired_state == "terminated");
    CHECK(row.reason_code == "Client.UserInitiatedShutdown");
  }
  CHECK(h.StateOf(4) == "terminated");
  // Three transitions, three events.
  CHECK(h.LastEvent() == events_before + 3);
}

TEST_CASE("rebooting a running instance raises its reboot token and leaves its state") {
  // This test verifies that rebooting a running instance raises its reboot token by one, records an
  // event and notifies the host while the state stays running.
  PowerHarness h(1, "running");
  REQUIRE(h.power().Reboot(h.Ctx(), {h.id()}).ok());
  auto row = *h.Instance(h.id());
  CHECK(row.reboot_token == 1);
  CHECK(row.state == "running");
  CHECK(h.EventsOf(h.id()).back().type == "instance.reboot-requested");
  CHECK(h.notifier().calls() == std::vector<std::string>{h.host()});
}

TEST_CASE("rebooting a stopped instance is refused with IncorrectInstanceState") {
  // This test verifies that only running instances reboot and nothing changes otherwise.
  PowerHarness h(1, "stopped");
  const int64_t events_before = h.LastEvent();
  absl::Status status = h.power().Reboot(h.Ctx(), {h.id()});
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(ErrorCodeOf(status) == "IncorrectInstanceState");
  CHECK_THAT(std::string(status.message()), Catch::Contains(h.id()));
  CHECK(h.Instance(h.id())->reboot_token == 0);
  CHECK(h.LastEvent() == events_before);
}

TEST_CASE("an unknown instance id fails the whole request and changes none of the others") {
  // This test verifies that an unknown id fails the whole request with InvalidInstanceID.NotFound
  // naming it, and the known ids keep their state.
  PowerHarness h(2, "running");
  const std::string unknown = "i-0123456789abcdef0";
  const int64_t events_before = h.LastEvent();

  auto stop = h.power().Stop(h.Ctx(), {h.id(0), unknown, h.id(1)}, false);
  REQUIRE_FALSE(stop.ok());
  CHECK(stop.status().code() == absl::StatusCode::kNotFound);
  CHECK(ErrorCodeOf(stop.status()) == "InvalidInstanceID.NotFound");
  CHECK(ErrorFieldOf(stop.status()) == "InstanceIds");
  CHECK_THAT(std::string(stop.status().message()), Catch::Contains(unknown));
  CHECK_THAT(std::string(stop.status().message()), !Catch::Contains(h.id(0)));

  CHECK(ErrorCodeOf(h.power().Terminate(h.Ctx(), {h.id(0), unknown}).status()) ==
        "InvalidInstanceID.NotFound");
  CHECK(ErrorCodeOf(h.power().Reboot(h.Ctx(), {unknown, h.id(1)})) == "InvalidInstanceID.NotFound");

  CHECK(h.StateOf(0) == "running");
  CHECK(h.StateOf(1) == "running");
  CHECK(h.Instance(h.id(1))->reboot_token == 0);
  CHECK(h.LastEvent() == events_before);
  CHECK(h.notifier().calls().empty());
}

TEST_CASE("one instance in the wrong state fails the request and changes none of the others") {
  // This test verifies that a refusal for one id rolls back the transitions
  // already applied to earlier ids in the same request.
  PowerHarness h(2, "running");
  h.Put(h.id(1), "pending");
  const int64_t events_before = h.LastEvent();
  auto r = h.power().Stop(h.Ctx(), {h.id(0), h.id(1)}, false);
  CHECK(ErrorCodeOf(r.status()) == "IncorrectInstanceState");
  CHECK(h.StateOf(0) == "running");
  CHECK(h.Instance(h.id(0))->desired_state == "running");
  CHECK(h.LastEvent() == events_before);
  CHECK(h.notifier().calls().empty());
}

TEST_CASE("an instance of another project is not found for a non-admin caller") {
  // This test verifies that a non-admin caller cannot act on another project's instance.
  PowerHarness h(1, "running");
  RequestContext stranger = h.Ctx("other-project");
  stranger.admin = false;
  auto r = h.power().Terminate(stranger, {h.id()});
  CHECK(ErrorCodeOf(r.status()) == "InvalidInstanceID.NotFound");
  CHECK(h.StateOf() == "running");
}

TEST_CASE("naming an instance twice in one request changes it once") {
  // This test verifies that a repeated id is one transition and one event, as
  // EC2 treats a duplicated id, not two.
  PowerHarness h(1, "running");
  const int64_t events_before = h.LastEvent();
  auto r = h.power().Stop(h.Ctx(), {h.id(), h.id()}, false);
  REQUIRE(r.ok());
  CHECK(h.StateOf() == "stopping");
  CHECK(h.LastEvent() == events_before + 1);

  PowerHarness g(1, "running");
  REQUIRE(g.power().Reboot(g.Ctx(), {g.id(), g.id()}).ok());
  CHECK(g.Instance(g.id())->reboot_token == 1);
}

}  // namespace gureum::controller
