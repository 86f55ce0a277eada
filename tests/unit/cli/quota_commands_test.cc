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

TEST_CASE("describe-quotas lists every quota with its usage") {
  // This test verifies the quota listing in its three formats and the project option.
  CliHarness harness;
  CliRun table = harness.Run({"describe-quotas", "-o", "table"});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.rfind("PROJECT    RESOURCE    USAGE  LIMIT\n", 0) == 0);
  CHECK(Contains(table.out, "p-default  instances   0      unlimited\n"));

  CliRun text = harness.Run({"describe-quotas", "--project-id", "p-team", "-o", "text"});
  CHECK(Contains(text.out, "p-team\tvcpus\t0\tunlimited\n"));
  CHECK(
      harness.service().Requests<v1::DescribeQuotasRequest>("DescribeQuotas").at(1).project_id() ==
      "p-team");

  json reply = json::parse(harness.Run({"describe-quotas"}).out);
  REQUIRE(reply["quotas"].size() == 4);
  CHECK(reply["quotas"][0]["limit"] == "-1");  // int64 is a string in protobuf's JSON
}

TEST_CASE("set-quota sends the resource, limit and project") {
  // This test verifies set-quota's request and output, -1 included.
  CliHarness harness;
  CliRun run = harness.Run({"set-quota", "--resource", "vcpus", "--limit", "64", "--project-id",
                            "p-team", "-o", "text"});
  REQUIRE(run.exit_code == 0);
  CHECK(run.out == "p-team\tvcpus\t0\t64\n");
  auto request = harness.service().Requests<v1::SetQuotaRequest>("SetQuota").at(0);
  CHECK(request.resource() == "vcpus");
  CHECK(request.limit() == 64);
  CHECK(request.project_id() == "p-team");

  CliRun unlimited = harness.Run({"set-quota", "--resource", "instances", "--limit", "-1"});
  CHECK(unlimited.exit_code == 0);
  CHECK(harness.service().Requests<v1::SetQuotaRequest>("SetQuota").at(1).limit() == -1);
}

TEST_CASE("set-quota checks the resource and limit before any call") {
  // This test verifies usage errors for an unknown resource, a limit below -1 and
  // missing options.
  CliHarness harness;
  CHECK(harness.Run({"set-quota", "--resource", "gpus", "--limit", "1"}).exit_code == 2);
  CHECK(harness.Run({"set-quota", "--resource", "vcpus", "--limit", "-2"}).exit_code == 2);
  CHECK(harness.Run({"set-quota", "--resource", "vcpus"}).exit_code == 2);
  CHECK(harness.Run({"set-quota", "--limit", "4"}).exit_code == 2);
  CHECK(harness.service().CallCount("SetQuota") == 0);
}

TEST_CASE("a full quota's usage is coloured on a terminal") {
  // This test verifies that usage at the limit shows red in a table on a terminal.
  CliHarness harness;
  harness.stdout_is_tty = true;
  harness.Run({"set-quota", "--resource", "instances", "--limit", "0"});
  CliRun run = harness.Run({"describe-quotas"});
  CHECK(Contains(run.out, "\x1b[31m0\x1b[0m"));
}

}  // namespace gureum::cli
