#include "controller/core/janitor.h"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "controller/core/instance_launcher.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {

using namespace std::chrono_literals;

TEST_CASE("terminated instances are purged only after their retention") {
  // This test verifies that a terminated instance stays visible for the retention and is purged
  // after it, while live instances are never purged however old.
  testing::CoreHarness h;
  h.AddHost("host-a");
  InstanceLauncher& launcher = h.launcher();
  auto launched = launcher.Run(h.Ctx(), testing::RunRequest(h.AddImage(), "g1.nano", 2, 2));
  REQUIRE(launched.ok());
  const std::string gone = launched->instances(0).instance_id();
  const std::string live = launched->instances(1).instance_id();
  h.ForceState(gone, "terminated", "terminated");  // terminated_at = now
  h.ForceState(live, "running", "running");

  Janitor janitor(h.core(), JanitorOptions{1h, 48h});
  h.clock().Advance(59min);
  auto early = janitor.RunOnce();
  REQUIRE(early.ok());
  CHECK(*early == 0);
  CHECK(h.Instance(gone).has_value());

  h.clock().Advance(1min + 1ms);
  auto late = janitor.RunOnce();
  REQUIRE(late.ok());
  CHECK(*late == 1);
  CHECK_FALSE(h.Instance(gone).has_value());
  CHECK(h.Instance(live).has_value());

  h.clock().Advance(24h * 365);
  auto much_later = janitor.RunOnce();
  REQUIRE(much_later.ok());
  CHECK(*much_later == 0);
  CHECK(h.Instance(live).has_value());
}

TEST_CASE("client tokens are forgotten after their retention") {
  // This test verifies that the janitor purges idempotency records by age, so
  // an old token can be used for a new launch.
  testing::CoreHarness h;
  h.AddHost("host-a");
  InstanceLauncher& launcher = h.launcher();
  auto request = testing::RunRequest(h.AddImage(), "g1.nano");
  request.set_client_token("tok-1");
  auto first = launcher.Run(h.Ctx(), request);
  REQUIRE(first.ok());

  Janitor janitor(h.core(), JanitorOptions{1h, 48h});
  h.clock().Advance(47h);
  REQUIRE(janitor.RunOnce().ok());
  auto same = launcher.Run(h.Ctx(), request);
  REQUIRE(same.ok());
  CHECK(same->reservation_id() == first->reservation_id());

  h.clock().Advance(2h);
  REQUIRE(janitor.RunOnce().ok());
  auto token = h.store().Read([](Repositories& repos) -> absl::StatusOr<bool> {
    return repos.client_tokens.Get("default", "tok-1").has_value();
  });
  REQUIRE(token.ok());
  CHECK_FALSE(*token);
  auto fresh = launcher.Run(h.Ctx(), request);
  REQUIRE(fresh.ok());
  CHECK(fresh->reservation_id() != first->reservation_id());
}

}  // namespace gureum::controller
