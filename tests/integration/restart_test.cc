#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/integration/fake_hosts.h"

namespace gureum::testing {

TEST_CASE("a controller restart keeps every instance, image, type and key pair", "[integration]") {
  // This test verifies that all state lives in SQLite and that the agent reconnects and
  // converges without user action after the controller comes back.
  TestCluster cluster;
  cluster.StartController();
  cluster.AddAgent(FakeHost("host-1"));
  REQUIRE(cluster.WaitForHostsUp(1));
  const std::string image = cluster.ImportImage("tiny");
  cluster.CliJson({"create-instance-type", "--instance-type", "g2.custom", "--vcpus", "3",
                   "--memory-mib", "768", "--root-disk-gib", "5"});
  cluster.CliJson({"create-key-pair", "--key-name", "ops", "--key-type", "ed25519"});
  auto run = cluster.CliJson(
      {"run-instances", "--image-id", image, "--instance-type", "g2.custom", "--count", "3"});
  std::vector<std::string> ids;
  for (const auto& i : run["instances"]) ids.push_back(i["instanceId"]);
  REQUIRE(cluster.WaitForState(ids, "running"));
  cluster.CliJson({"stop-instances", "--instance-ids", ids[2]});
  REQUIRE(cluster.WaitForState({ids[2]}, "stopped"));

  const bool kill9 = GENERATE(false, true);
  CAPTURE(kill9);
  cluster.StopController(kill9);
  cluster.StartController();
  REQUIRE(cluster.WaitForHostsUp(1));

  auto images = cluster.CliJson({"describe-images"});
  REQUIRE(images["images"].size() == 1);
  CHECK(images["images"][0]["imageId"] == image);
  auto types = cluster.CliJson({"describe-instance-types", "--instance-types", "g2.custom"});
  CHECK(types["instanceTypes"][0]["vcpus"] == 3);
  auto keys = cluster.CliJson({"describe-key-pairs"});
  CHECK(keys["keyPairs"][0]["keyName"] == "ops");
  CHECK(cluster.WaitForState({ids[0], ids[1]}, "running"));
  CHECK(cluster.WaitForState({ids[2]}, "stopped"));

  // The reconnected agent still converges: a change after the restart reaches the host.
  cluster.CliJson({"terminate-instances", "--instance-ids", ids[0]});
  CHECK(cluster.WaitForState({ids[0]}, "terminated"));
  cluster.CliJson({"start-instances", "--instance-ids", ids[2]});
  CHECK(cluster.WaitForState({ids[2]}, "running"));
}

TEST_CASE("an agent restart re-adopts running guests without restarting them", "[integration]") {
  // This test verifies level-triggered convergence from the agent's side: the hypervisor (fake,
  // persisted to a file) outlives the agent, and the guests keep their boot time.
  TestCluster cluster;
  cluster.StartController();
  int agent = cluster.AddAgent(FakeHost("host-1"));
  REQUIRE(cluster.WaitForHostsUp(1));
  const std::string image = cluster.ImportImage("tiny");
  auto run = cluster.CliJson(
      {"run-instances", "--image-id", image, "--instance-type", "g1.nano", "--count", "2"});
  std::vector<std::string> ids;
  for (const auto& i : run["instances"]) ids.push_back(i["instanceId"]);
  REQUIRE(cluster.WaitForState(ids, "running"));
  std::string console_before = cluster.Cli({"get-console-output", "--instance-id", ids[0]}).out;
  REQUIRE(!console_before.empty());

  cluster.StopAgent(agent, /*kill9=*/true);
  REQUIRE(Eventually(
      [&] {
        auto hosts = cluster.CliJson({"describe-hosts"});
        return hosts["hosts"][0]["state"] == "unreachable";
      },
      std::chrono::seconds(30)));
  auto unknown = cluster.CliJson({"describe-instances", "--instance-ids", ids[0]});
  CHECK(unknown["instances"][0]["instanceStatus"] == "unknown");
  CHECK(unknown["instances"][0]["state"]["name"] == "running");

  cluster.StartAgent(agent);
  REQUIRE(cluster.WaitForHostsUp(1));
  CHECK(cluster.WaitForState(ids, "running"));
  auto events = cluster.Cli({"events", "--resource-id", ids[0], "-o", "json"});
  // Still exactly one pending->running transition: the guest was never relaunched.
  REQUIRE(events.exit_code == 0);
  size_t launches = 0;
  std::istringstream lines(events.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    auto event = nlohmann::json::parse(line);
    if (event["fromState"] == "pending" && event["toState"] == "running") ++launches;
  }
  CHECK(launches == 1);
  std::string console_after = cluster.Cli({"get-console-output", "--instance-id", ids[0]}).out;
  CHECK(console_after.find(console_before.substr(0, 40)) != std::string::npos);
}

}  // namespace gureum::testing

namespace gureum::testing {

TEST_CASE("a database restored from an online backup is what the cloud converges to",
          "[integration]") {
  // This test verifies backup and restore as docs/operations.md describes them: a backup taken
  // while the controller serves, more launches after it, then the controller stopped and the
  // backup put in place: describe shows exactly the instances of the backup, the agent removes
  // the guest the restored database does not know, and the restored instances keep running.
  TestCluster cluster;
  cluster.StartController();
  const int agent = cluster.AddAgent(FakeHost("host-1"));
  REQUIRE(cluster.WaitForHostsUp(1));
  const std::string image = cluster.ImportImage("tiny");
  auto before = cluster.CliJson(
      {"run-instances", "--image-id", image, "--instance-type", "g1.nano", "--count", "2"});
  std::vector<std::string> kept;
  for (const auto& i : before["instances"]) kept.push_back(i["instanceId"]);
  REQUIRE(cluster.WaitForState(kept, "running"));

  const std::string backup = cluster.dir() + "/backup.db";
  REQUIRE(cluster.BackupDatabase(backup));
  auto after =
      cluster.CliJson({"run-instances", "--image-id", image, "--instance-type", "g1.nano"});
  const std::string lost = after["instances"][0]["instanceId"];
  REQUIRE(cluster.WaitForState({lost}, "running"));

  cluster.StopController();
  cluster.RestoreDatabase(backup);
  cluster.StartController();
  REQUIRE(cluster.WaitForHostsUp(1));
  auto listed = cluster.CliJson({"describe-instances"});
  std::vector<std::string> ids;
  for (const auto& i : listed["instances"]) ids.push_back(i["instanceId"]);
  std::sort(ids.begin(), ids.end());
  std::sort(kept.begin(), kept.end());
  CHECK(ids == kept);
  CHECK(cluster.WaitForState(kept, "running"));
  // The agent converges on the restored desired set: the unknown guest goes.
  const std::string state_file = cluster.AgentDir(agent) + "/fake-domains.json";
  CHECK(Eventually(
      [&] {
        std::ifstream in(state_file);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        return text.find(lost) == std::string::npos && text.find(kept[0]) != std::string::npos;
      },
      std::chrono::seconds(30)));
  CHECK(cluster.QueryInt("SELECT instances FROM project_usage WHERE project_id = 'default'") == 2);
}

}  // namespace gureum::testing
