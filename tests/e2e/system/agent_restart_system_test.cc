// Real VMs end to end: the agent can die and come back without the guests
// noticing.
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/system/system_checks.h"
#include "tests/e2e/system/system_env.h"

namespace gureum::testing {
namespace {

using Steady = std::chrono::steady_clock;

TEST_CASE("guests keep running through a killed agent and are re-adopted without a restart") {
  // This test verifies that SIGKILL of the agent leaves its guests running,
  // that the restarted agent adopts them (same libvirt domain ids, a single
  // boot on each console, still running in describe-instances) and that it
  // controls them afterwards (terminate removes everything).
  const Steady::time_point test_start = Steady::now();
  SystemEnv env;
  const std::string image = env.ImportTinyDisk("tiny-disk");
  std::vector<std::string> ids = env.Launch(image, 2, {"--user-data", "restart me not"});
  REQUIRE(ids.size() == 2);
  REQUIRE(env.WaitForState(ids, "running"));
  for (const std::string& id : ids) REQUIRE(env.WaitForConsole(id, "GUREUM-READY"));

  std::map<std::string, int> domain_ids;
  for (const std::string& id : ids) {
    domain_ids[id] = env.DomainId(id);
    REQUIRE(domain_ids[id] > 0);
  }

  env.StopAgent(/*kill9=*/true);
  // Longer than several resync periods of a live agent.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  for (const std::string& id : ids) CHECK(env.DomainRunning(id));

  const Steady::time_point restarted = Steady::now();
  env.StartAgent();
  REQUIRE(env.cluster().WaitForHostsUp(1, std::chrono::seconds(60)));
  // Let the new agent converge a few times (it resyncs every 500 ms here).
  std::this_thread::sleep_for(std::chrono::seconds(5));
  ReportTiming("agent restart to host up (+5 s of converging)", SecondsSince(restarted));

  REQUIRE(env.WaitForState(ids, "running", std::chrono::seconds(30)));
  for (const std::string& id : ids) {
    INFO("instance " << id);
    CHECK(env.DomainRunning(id));
    CHECK(env.DomainId(id) == domain_ids[id]);
    const std::string console = env.Console(id);
    CHECK(Occurrences(console, "GUREUM-BOOT instance-id=" + id) == 1);
    CHECK(Occurrences(console, "GUREUM-SHUTDOWN") == 0);
  }

  std::vector<std::string> terminate{"terminate-instances", "--instance-ids"};
  terminate.insert(terminate.end(), ids.begin(), ids.end());
  REQUIRE(env.cluster().Cli(terminate).exit_code == 0);
  REQUIRE(env.WaitForState(ids, "terminated", std::chrono::seconds(120)));
  CHECK(env.ExistingDomains(ids).empty());
  CHECK(env.InstanceFiles().empty());
  ReportTiming("test: killed agent re-adopts guests", SecondsSince(test_start));
}

}  // namespace
}  // namespace gureum::testing
