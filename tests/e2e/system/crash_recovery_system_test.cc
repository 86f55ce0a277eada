// Real VMs end to end: the controller, the agent and libvirtd are each killed
// with SIGKILL while three guests run; everything comes back and no guest is
// rebooted.
#include <algorithm>
#include <chrono>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/system/system_checks.h"
#include "tests/e2e/system/system_env.h"

namespace gureum::testing {
namespace {

using Steady = std::chrono::steady_clock;

// The GUREUM-UPTIME values a guest printed (every 30 s), in order.
std::vector<double> Uptimes(const std::string& console) {
  static const std::regex kUptime(R"(GUREUM-UPTIME ([0-9.]+))");
  std::vector<double> out;
  for (auto it = std::sregex_iterator(console.begin(), console.end(), kUptime);
       it != std::sregex_iterator(); ++it) {
    out.push_back(std::stod((*it)[1]));
  }
  return out;
}

}  // namespace

TEST_CASE("guests survive SIGKILL of the controller, the agent and libvirtd without a reboot") {
  // This test verifies crash recovery with real guests: after each kill and restart the host is
  // up again, the three instances are running in describe-instances with the same libvirt domain
  // ids, each console shows one boot and no shutdown, and the guests' uptime keeps growing (a
  // reboot would reset it). Terminate afterwards leaves nothing behind.
  const Steady::time_point test_start = Steady::now();
  SystemEnv env;
  const std::string image = env.ImportTinyDisk("tiny-disk");
  std::vector<std::string> ids = env.Launch(image, 3);
  REQUIRE(ids.size() == 3);
  REQUIRE(env.WaitForState(ids, "running"));
  for (const std::string& id : ids) REQUIRE(env.WaitForConsole(id, "GUREUM-READY"));
  std::map<std::string, int> domain_ids;
  for (const std::string& id : ids) {
    domain_ids[id] = env.DomainId(id);
    REQUIRE(domain_ids[id] > 0);
  }
  auto check_all_running = [&](const std::string& after) {
    INFO("after " << after);
    REQUIRE(env.cluster().WaitForHostsUp(1, std::chrono::seconds(90)));
    REQUIRE(env.WaitForState(ids, "running", std::chrono::seconds(60)));
    for (const std::string& id : ids) {
      INFO("instance " << id);
      CHECK(env.DomainRunning(id));
      CHECK(env.DomainId(id) == domain_ids[id]);
      CHECK(env.Describe(id)["instanceStatus"] != "unknown");
    }
  };

  Steady::time_point t = Steady::now();
  env.cluster().StopController(/*kill9=*/true);
  for (const std::string& id : ids) CHECK(env.DomainRunning(id));
  env.cluster().StartController();
  check_all_running("controller SIGKILL");
  ReportTiming("controller SIGKILL to all running again", SecondsSince(t));

  t = Steady::now();
  env.StopAgent(/*kill9=*/true);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  for (const std::string& id : ids) CHECK(env.DomainRunning(id));
  env.StartAgent();
  check_all_running("agent SIGKILL");
  ReportTiming("agent SIGKILL to all running again", SecondsSince(t));

  t = Steady::now();
  env.KillAndRestartLibvirtd();
  check_all_running("libvirtd SIGKILL");
  ReportTiming("libvirtd SIGKILL to all running again", SecondsSince(t));

  // A new uptime line after the last kill (at least two in all: one every
  // 30 s), and uptimes only ever grow.
  for (const std::string& id : ids) {
    INFO("instance " << id);
    const int want = std::max(Occurrences(env.Console(id), "GUREUM-UPTIME") + 1, 2);
    REQUIRE(env.WaitForConsole(id, "GUREUM-UPTIME", want, std::chrono::seconds(120)));
    const std::string console = env.Console(id);
    CHECK(Occurrences(console, "GUREUM-BOOT instance-id=" + id) == 1);
    CHECK(Occurrences(console, "GUREUM-SHUTDOWN") == 0);
    std::vector<double> uptimes = Uptimes(console);
    REQUIRE(uptimes.size() >= 2);
    for (size_t i = 1; i < uptimes.size(); ++i) CHECK(uptimes[i] > uptimes[i - 1]);
  }

  std::vector<std::string> terminate{"terminate-instances", "--instance-ids"};
  terminate.insert(terminate.end(), ids.begin(), ids.end());
  REQUIRE(env.cluster().Cli(terminate).exit_code == 0);
  REQUIRE(env.WaitForState(ids, "terminated", std::chrono::seconds(120)));
  CHECK(env.ExistingDomains(ids).empty());
  CHECK(env.InstanceFiles().empty());
  ReportTiming("test: controller, agent and libvirtd killed under 3 guests",
               SecondsSince(test_start));
}

}  // namespace gureum::testing
