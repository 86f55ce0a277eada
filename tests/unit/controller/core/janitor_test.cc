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

TEST_CASE("client tokens are kept 48 h and until 24 h after their instances ended") {
  // This test verifies that the janitor keeps an idempotency record while its instances live
  // (however old), and purges it once 48 h old and 24 h after the last instance ended, after
  // which the token can be used for a new launch.
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

  auto token_kept = [&] {
    return h.store()
        .Read([](Repositories& repos) -> absl::StatusOr<bool> {
          return repos.client_tokens.Get("default", "tok-1").has_value();
        })
        .value();
  };
  h.clock().Advance(100h);  // the instance still lives: the token stays
  REQUIRE(janitor.RunOnce().ok());
  CHECK(token_kept());
  h.ForceState(first->instances(0).instance_id(), "terminated", "terminated");
  REQUIRE(janitor.RunOnce().ok());  // notices the end (it runs every 30 s)
  h.clock().Advance(23h);
  REQUIRE(janitor.RunOnce().ok());
  CHECK(token_kept());
  CHECK(launcher.Run(h.Ctx(), request)->reservation_id() == first->reservation_id());
  h.clock().Advance(2h);
  REQUIRE(janitor.RunOnce().ok());
  CHECK_FALSE(token_kept());
  auto fresh = launcher.Run(h.Ctx(), request);
  REQUIRE(fresh.ok());
  CHECK(fresh->reservation_id() != first->reservation_id());
}

}  // namespace gureum::controller
