// The real `gureum` binary against a real controller and fake agents for the
// scheduling and admin verbs: placement groups, zones, quotas, host
// maintenance, in json, text and table output, with --query and exit codes.
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "tests/integration/fake_hosts.h"

namespace gureum::testing {

TEST_CASE("a user manages placement groups, quotas, zones and hosts through the CLI",
          "[integration]") {
  // This test verifies each verb's json/text/table output and exit codes end to end.
  TestCluster cluster;
  cluster.StartController();
  cluster.AddAgent(FakeHost("host-1"));
  cluster.AddAgent(FakeHost("host-2"));
  REQUIRE(cluster.WaitForHostsUp(2));
  const std::string image = cluster.ImportImage("tiny");

  auto group = cluster.CliJson(
      {"create-placement-group", "--group-name", "web", "--strategy", "spread", "--tag", "t=1"});
  CHECK(group["groupName"] == "web");
  CHECK(group["strategy"] == "spread");
  CHECK(group["groupId"].get<std::string>().rfind("pg-", 0) == 0);

  auto run = cluster.CliJson({"run-instances", "--image-id", image, "--instance-type", "g1.nano",
                              "--count", "2", "--placement-group", "web", "--availability-zone",
                              "zone-a"});
  REQUIRE(run["instances"].size() == 2);
  std::set<std::string> hosts;
  for (const auto& i : run["instances"]) {
    hosts.insert(i["hostName"].get<std::string>());
    CHECK(i["placement"]["groupName"] == "web");
  }
  CHECK(hosts.size() == 2);

  RunResult third = cluster.Cli({"run-instances", "--image-id", image, "--instance-type", "g1.nano",
                                 "--placement-group", "web"});
  CHECK(third.exit_code == 1);
  CHECK_THAT(third.err, Catch::Contains("InsufficientInstanceCapacity") &&
                            Catch::Contains("PlacementGroupFilter removed 2"));

  RunResult count = cluster.Cli(
      {"describe-placement-groups", "--query", "placementGroups[0].instanceCount", "-o", "text"});
  CHECK(count.exit_code == 0);
  CHECK(count.out == "2\n");
  RunResult table = cluster.Cli({"describe-placement-groups", "-o", "table"});
  CHECK_THAT(table.out, Catch::Contains("web") && Catch::Contains("spread"));
  RunResult in_use = cluster.Cli({"delete-placement-group", "--group-name", "web"});
  CHECK(in_use.exit_code == 1);
  CHECK_THAT(in_use.err, Catch::Contains("InvalidPlacementGroup.InUse"));

  auto quota = cluster.CliJson({"set-quota", "--resource", "instances", "--limit", "2"});
  CHECK(quota["limit"] == "2");  // int64 is a string in protobuf's JSON mapping
  RunResult over =
      cluster.Cli({"run-instances", "--image-id", image, "--instance-type", "g1.nano"});
  CHECK(over.exit_code == 1);
  CHECK_THAT(over.err,
             Catch::Contains("InstanceLimitExceeded") && Catch::Contains("is 2 and 2 is in use"));
  RunResult usage = cluster.Cli({"describe-quotas", "--query", "quotas[].usage", "-o", "text"});
  CHECK(usage.exit_code == 0);
  CHECK_THAT(usage.out, Catch::StartsWith("2\t2\t"));
  RunResult bad_quota = cluster.Cli({"set-quota", "--resource", "cores", "--limit", "2"});
  CHECK(bad_quota.exit_code == 2);  // a usage error: the CLI knows the resources
  CHECK_THAT(bad_quota.err, Catch::Contains("--resource: cores not in"));

  auto zones = cluster.CliJson({"describe-availability-zones"});
  REQUIRE(zones["availabilityZones"].size() == 1);
  CHECK(zones["availabilityZones"][0]["zoneName"] == "zone-a");
  CHECK(zones["availabilityZones"][0]["instanceCount"] == 2);

  RunResult disabled = cluster.Cli({"disable-host", "host-1", "--reason", "fan swap"});
  CHECK(disabled.exit_code == 0);
  RunResult host_table = cluster.Cli({"describe-hosts", "-o", "table"});
  CHECK_THAT(host_table.out, Catch::Contains("fan swap"));
  CHECK(cluster
            .Cli({"describe-hosts", "--host-ids", "host-1", "--query", "hosts[0].enabled", "-o",
                  "text"})
            .out != "true\n");
  CHECK(cluster.Cli({"enable-host", "host-1"}).exit_code == 0);
  CHECK(cluster
            .Cli({"describe-hosts", "--host-ids", "host-1", "--query", "hosts[0].enabled", "-o",
                  "text"})
            .out == "true\n");
  RunResult unknown = cluster.Cli({"disable-host", "host-9"});
  CHECK(unknown.exit_code == 1);
  CHECK_THAT(unknown.err, Catch::Contains("InvalidHostID.NotFound"));
}

TEST_CASE("the CLI piped into head ends quietly", "[integration]") {
  // This test verifies that `gureum describe-instances | head -c 100` prints
  // no error when head closes the pipe early, and ends either normally or by
  // SIGPIPE, as every Unix filter does, even when its parent ignored SIGPIPE.
  TestCluster cluster;
  cluster.StartController();
  cluster.AddAgent(FakeHost("host-1", 512, 262144, 4096));
  REQUIRE(cluster.WaitForHostsUp(1));
  const std::string image = cluster.ImportImage("tiny");
  // 100 (the default quota) make ~150 KB of JSON.
  REQUIRE(cluster
              .CliJson({"run-instances", "--image-id", image, "--instance-type", "g1.nano",
                        "--count", "100"})["instances"]
              .size() == 100);
  const std::string err = cluster.dir() + "/cli-head.err";
  const std::string rc = cluster.dir() + "/cli-head.rc";
  // Far more than a pipe holds (64 KiB), so the CLI is still writing when
  // head exits.
  const std::string command = "trap '' PIPE; HOME='" + cluster.dir() + "' GUREUM_API_KEY='" +
                              cluster.admin_key() + "' " + BinPath("gureum") + " --endpoint " +
                              cluster.endpoint() + " -o json describe-instances 2>" + err +
                              "; echo $? >" + rc;
  const std::string pipeline = "bash -c \"" + command + "\" | head -c 100 >/dev/null";
  REQUIRE(std::system(pipeline.c_str()) == 0);
  std::ifstream err_file(err);
  std::string err_text((std::istreambuf_iterator<char>(err_file)),
                       std::istreambuf_iterator<char>());
  CHECK(err_text.empty());
  std::ifstream rc_file(rc);
  int status = -1;
  rc_file >> status;
  CHECK((status == 0 || status == 128 + SIGPIPE));
}

}  // namespace gureum::testing
