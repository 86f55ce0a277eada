#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/unit/cli/cli_harness.h"

namespace gureum::cli {
namespace {

using nlohmann::json;
using testing::CliHarness;
using testing::CliRun;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("create-placement-group sends its options and prints the group") {
  // This test verifies the request and the json, table and text outputs.
  CliHarness harness;
  CliRun json_run = harness.Run({"create-placement-group", "--group-name", "web", "--strategy",
                                 "spread", "--tag", "team=web"});
  REQUIRE(json_run.exit_code == 0);
  auto request =
      harness.service().Requests<v1::CreatePlacementGroupRequest>("CreatePlacementGroup").at(0);
  CHECK(request.group_name() == "web");
  CHECK(request.strategy() == "spread");
  REQUIRE(request.tags_size() == 1);
  CHECK(request.tags(0).key() == "team");
  json reply = json::parse(json_run.out);
  CHECK(reply["groupName"] == "web");
  CHECK(reply["groupId"].get<std::string>().rfind("pg-", 0) == 0);

  CliRun table = harness.Run(
      {"create-placement-group", "--group-name", "db", "--strategy", "cluster", "-o", "table"});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.rfind("NAME  ID", 0) == 0);
  CHECK(Contains(table.out, "cluster   available  0"));

  CliRun text = harness.Run({"describe-placement-groups", "-o", "text"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.rfind("web\tpg-", 0) == 0);
  CHECK(Contains(text.out, "\tspread\tavailable\t0\t2023-11-14T22:13:20Z\n"));
  CHECK(std::count(text.out.begin(), text.out.end(), '\n') == 2);
}

TEST_CASE("create-placement-group checks its options before any call") {
  // This test verifies usage errors for a missing name and an unknown strategy, and
  // the API's error for a duplicate.
  CliHarness harness;
  CHECK(harness.Run({"create-placement-group", "--strategy", "spread"}).exit_code == 2);
  CHECK(harness.Run({"create-placement-group", "--group-name", "g", "--strategy", "pack"})
            .exit_code == 2);
  CHECK(harness
            .Run({"create-placement-group", "--group-name", "g", "--strategy", "spread", "--tag",
                  "=v"})
            .exit_code == 2);
  CHECK(harness.service().CallCount("CreatePlacementGroup") == 0);

  REQUIRE(harness.Run({"create-placement-group", "--group-name", "g", "--strategy", "spread"})
              .exit_code == 0);
  CliRun duplicate =
      harness.Run({"create-placement-group", "--group-name", "g", "--strategy", "cluster"});
  CHECK(duplicate.exit_code == 1);
  CHECK(Contains(duplicate.err,
                 "An error occurred (InvalidPlacementGroup.Duplicate) when calling the "
                 "CreatePlacementGroup operation"));
}

TEST_CASE("describe-placement-groups passes names and ids") {
  // This test verifies the request of describe-placement-groups and the JSON reply.
  CliHarness harness;
  harness.Run({"create-placement-group", "--group-name", "a", "--strategy", "spread"});
  harness.Run({"create-placement-group", "--group-name", "b", "--strategy", "spread"});
  CliRun run = harness.Run({"describe-placement-groups", "--group-names", "a,b", "--group-ids",
                            "pg-1", "--group-ids", "pg-2"});
  REQUIRE(run.exit_code == 0);
  auto request = harness.service()
                     .Requests<v1::DescribePlacementGroupsRequest>("DescribePlacementGroups")
                     .at(0);
  CHECK(request.group_names_size() == 2);
  CHECK(request.group_ids_size() == 2);
  CHECK(json::parse(run.out)["placementGroups"].empty());

  CliRun all = harness.Run({"describe-placement-groups"});
  CHECK(json::parse(all.out)["placementGroups"].size() == 2);
}

TEST_CASE("delete-placement-group takes a name or an id, not both") {
  // This test verifies deletion by name and by id, the usage errors and the API's
  // error for an unknown group.
  CliHarness harness;
  CliRun created =
      harness.Run({"create-placement-group", "--group-name", "a", "--strategy", "spread"});
  std::string id = json::parse(created.out)["groupId"];
  harness.Run({"create-placement-group", "--group-name", "b", "--strategy", "spread"});

  CHECK(harness.Run({"delete-placement-group"}).exit_code == 2);
  CHECK(harness.Run({"delete-placement-group", "--group-name", "a", "--group-id", id}).exit_code ==
        2);
  CliRun by_id = harness.Run({"delete-placement-group", "--group-id", id});
  CHECK(by_id.exit_code == 0);
  CHECK(json::parse(by_id.out) == json::object());
  CliRun by_name = harness.Run({"delete-placement-group", "--group-name", "b", "-o", "table"});
  CHECK(by_name.exit_code == 0);
  CHECK(by_name.out.empty());
  CliRun unknown = harness.Run({"delete-placement-group", "--group-name", "b"});
  CHECK(unknown.exit_code == 1);
  CHECK(Contains(unknown.err, "(InvalidPlacementGroup.Unknown)"));
}

TEST_CASE("describe-availability-zones shows capacity and allocation per zone") {
  // This test verifies the zone listing in its three formats and the zone filter.
  CliHarness harness;
  CliRun table = harness.Run({"describe-availability-zones", "-o", "table"});
  REQUIRE(table.exit_code == 0);
  CHECK(Contains(table.out, "ZONE    STATE        HOSTS  VCPUS  MEMORY-MIB  DISK-GIB  INSTANCES"));
  CHECK(Contains(table.out, "zone-a  available    1/1    6/32   6144/24576  30/200    3"));
  CHECK(Contains(table.out, "zone-b  unavailable  0/1    0/0    0/0         0/0       0"));

  CliRun text =
      harness.Run({"describe-availability-zones", "-o", "text", "--zone-names", "zone-a"});
  CHECK(text.out == "zone-a\tavailable\t1/1\t6/32\t6144/24576\t30/200\t3\n");

  CliRun json_run = harness.Run({"describe-availability-zones"});
  json zone = json::parse(json_run.out)["availabilityZones"][0];
  CHECK(zone["zoneName"] == "zone-a");
  CHECK(zone["vcpuCapacity"] == 32);
  CHECK(zone["hostsAvailable"] == 1);
}

TEST_CASE("zone states are coloured on a terminal unless NO_COLOR") {
  // This test verifies colour in tables on a terminal and its absence under NO_COLOR.
  CliHarness harness;
  harness.stdout_is_tty = true;
  CliRun colour = harness.Run({"describe-availability-zones"});
  CHECK(Contains(colour.out, "\x1b[32mavailable\x1b[0m"));
  CHECK(Contains(colour.out, "\x1b[31munavailable\x1b[0m"));
  harness.no_color = true;
  CHECK_FALSE(Contains(harness.Run({"describe-availability-zones"}).out, "\x1b["));
}

TEST_CASE("run-instances sends the placement group and zone") {
  // This test verifies --placement-group and --availability-zone in the request.
  CliHarness harness;
  REQUIRE(harness
              .Run({"run-instances", "--image-id", "ami-1", "--placement-group", "web",
                    "--availability-zone", "zone-b"})
              .exit_code == 0);
  auto request = harness.service().Requests<v1::RunInstancesRequest>("RunInstances").at(0);
  CHECK(request.placement().group_name() == "web");
  CHECK(request.placement().availability_zone() == "zone-b");
}

}  // namespace gureum::cli
