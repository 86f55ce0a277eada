#include <catch2/catch.hpp>

#include "tests/integration/fake_hosts.h"

namespace gureum::testing {
namespace {

std::vector<std::string> IdsOf(const nlohmann::json& instances) {
  std::vector<std::string> ids;
  for (const auto& i : instances) ids.push_back(i["instanceId"]);
  return ids;
}

}  // namespace

TEST_CASE("a user launches, stops, starts, reboots and terminates instances through the CLI",
          "[integration]") {
  // This test verifies the whole lifecycle end to end: CLI -> controller -> agent -> back.
  TestCluster cluster;
  cluster.StartController();
  cluster.AddAgent(FakeHost("host-1"));
  REQUIRE(cluster.WaitForHostsUp(1));
  const std::string image = cluster.ImportImage("tiny");

  auto run = cluster.CliJson({"run-instances", "--image-id", image, "--instance-type", "g1.nano",
                              "--count", "2", "--tag", "team=storage", "--user-data",
                              "#!/bin/sh\necho hello"});
  auto ids = IdsOf(run["instances"]);
  REQUIRE(ids.size() == 2);
  for (const auto& instance : run["instances"]) {
    CHECK(instance["state"]["name"] == "pending");
    CHECK(instance["hostName"] == "host-1");
    CHECK(instance["instanceId"].get<std::string>().rfind("i-", 0) == 0);
  }
  REQUIRE(cluster.WaitForState(ids, "running"));

  SECTION("describe filters by state and tag") {
    auto running = cluster.CliJson({"describe-instances", "--filters",
                                    "Name=instance-state-name,Values=running", "--filters",
                                    "Name=tag:team,Values=storage"});
    CHECK(running["instances"].size() == 2);
    auto none =
        cluster.CliJson({"describe-instances", "--filters", "Name=tag:team,Values=compute"});
    CHECK(none["instances"].empty());
  }

  SECTION("stop, start and reboot reach their states and the console shows the reboot") {
    cluster.CliJson({"stop-instances", "--instance-ids", ids[0]});
    REQUIRE(cluster.WaitForState({ids[0]}, "stopped"));
    auto stopped = cluster.CliJson({"describe-instances", "--instance-ids", ids[0]});
    CHECK(stopped["instances"][0]["stateReason"]["code"] == "Client.UserInitiatedShutdown");

    cluster.CliJson({"start-instances", "--instance-ids", ids[0]});
    REQUIRE(cluster.WaitForState({ids[0]}, "running"));

    RunResult reboot = cluster.Cli({"reboot-instances", "--instance-ids", ids[1]});
    REQUIRE(reboot.exit_code == 0);
    REQUIRE(Eventually(
        [&] {
          RunResult console = cluster.Cli({"get-console-output", "--instance-id", ids[1]});
          return console.exit_code == 0 && console.out.find("reboot") != std::string::npos;
        },
        std::chrono::seconds(15)));
  }

  SECTION("terminate ends in terminated and the instance stays visible") {
    cluster.CliJson({"terminate-instances", "--instance-ids", ids[0], ids[1]});
    REQUIRE(cluster.WaitForState(ids, "terminated"));
    auto all = cluster.CliJson({"describe-instances"});
    CHECK(all["instances"].size() == 2);
    // Terminating again is not an error (EC2 semantics).
    RunResult again = cluster.Cli({"terminate-instances", "--instance-ids", ids[0]});
    CHECK(again.exit_code == 0);
    // A terminated instance cannot be started.
    RunResult start = cluster.Cli({"start-instances", "--instance-ids", ids[0]});
    CHECK(start.exit_code == 1);
    CHECK(start.err.find("IncorrectInstanceState") != std::string::npos);
  }
}

TEST_CASE("every state change is recorded as an event with who, what and request id",
          "[integration]") {
  // This test verifies that the lifecycle is readable as events through WatchEvents.
  TestCluster cluster;
  cluster.StartController();
  cluster.AddAgent(FakeHost("host-1"));
  REQUIRE(cluster.WaitForHostsUp(1));
  const std::string image = cluster.ImportImage("tiny");
  auto run = cluster.CliJson({"run-instances", "--image-id", image, "--instance-type", "g1.nano"});
  const std::string id = run["instances"][0]["instanceId"];
  REQUIRE(cluster.WaitForState({id}, "running"));
  cluster.CliJson({"terminate-instances", "--instance-ids", id});
  REQUIRE(cluster.WaitForState({id}, "terminated"));

  RunResult events = cluster.Cli({"events", "--resource-id", id, "-o", "json"});
  REQUIRE(events.exit_code == 0);
  std::vector<std::string> transitions;
  std::istringstream lines(events.out);
  // One JSON document per event or a JSON array: accept both.
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(events.out);
  } catch (const nlohmann::json::parse_error&) {
    doc = nlohmann::json::array();
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) doc.push_back(nlohmann::json::parse(line));
    }
  }
  if (doc.is_object() && doc.contains("events")) doc = doc["events"];
  for (const auto& e : doc) {
    CHECK(!e["requestId"].get<std::string>().empty());
    CHECK(!e["actor"].get<std::string>().empty());
    if (e["type"] == "instance.state-changed") {
      transitions.push_back(e["fromState"].get<std::string>() + "->" +
                            e["toState"].get<std::string>());
    }
  }
  CHECK(transitions == std::vector<std::string>{"pending->running", "running->shutting-down",
                                                "shutting-down->terminated"});
}

}  // namespace gureum::testing
