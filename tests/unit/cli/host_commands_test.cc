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

TEST_CASE("describe-hosts shows capacity, allocation, instances and building counts") {
  // This test verifies the host table's columns: allocation against schedulable
  // capacity (after overcommit), instance and building counts.
  CliHarness harness;
  CliRun table = harness.Run({"describe-hosts", "-o", "table"});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.rfind("ID ", 0) == 0);
  CHECK(Contains(table.out,
                 "VCPUS  MEMORY-MIB  DISK-GIB  INSTANCES  BUILDING  HEARTBEAT  "
                 "DISABLED-REASON\n"));
  CHECK(Contains(table.out, "h-0123456789abcdef0  host-1  up"));
  CHECK(Contains(table.out, "zone-a  6/32   6144/24576  30/200    3          1         -"));

  CliRun text = harness.Run({"describe-hosts", "-o", "text", "--host-ids", "host-1"});
  CHECK(Contains(text.out,
                 "h-0123456789abcdef0\thost-1\tup\tyes\tfake/fake\tzone-a\t6/32\t6144/24576\t30/"
                 "200\t3\t1\t-\t-\n"));
  auto request = harness.service().Requests<v1::DescribeHostsRequest>("DescribeHosts").at(1);
  REQUIRE(request.host_ids_size() == 1);
  CHECK(request.host_ids(0) == "host-1");

  CliRun json_run = harness.Run({"describe-hosts"});
  json host = json::parse(json_run.out)["hosts"][0];
  CHECK(host["vcpuCapacity"] == 32);
  CHECK(host["buildingCount"] == 1);
}

TEST_CASE("disable-host and enable-host take the host as argument or option") {
  // This test verifies the maintenance verbs' requests, the reason shown by
  // describe-hosts and their outputs.
  CliHarness harness;
  CliRun disabled =
      harness.Run({"disable-host", "host-1", "--reason", "disk swap, ticket 42", "-o", "text"});
  REQUIRE(disabled.exit_code == 0);
  auto request = harness.service().Requests<v1::DisableHostRequest>("DisableHost").at(0);
  CHECK(request.host_id() == "host-1");
  CHECK(request.reason() == "disk swap, ticket 42");
  CHECK(Contains(disabled.out, "\thost-1\tup\tno\t"));
  CHECK(Contains(disabled.out, "\tdisk swap, ticket 42\n"));

  CliRun listed = harness.Run({"describe-hosts", "-o", "table"});
  CHECK(Contains(listed.out, "disk swap, ticket 42\n"));

  CliRun enabled = harness.Run({"enable-host", "--host-id", "h-0123456789abcdef0"});
  REQUIRE(enabled.exit_code == 0);
  json host = json::parse(enabled.out);
  CHECK(host["enabled"] == true);
  CHECK(host["disabledReason"] == "");
  CHECK(harness.service().Requests<v1::EnableHostRequest>("EnableHost").at(0).host_id() ==
        "h-0123456789abcdef0");
}

TEST_CASE("host maintenance verbs report usage and API errors") {
  // This test verifies exit 2 without a host or with an overlong reason, and exit 1
  // with the API's code for an unknown host.
  CliHarness harness;
  CHECK(harness.Run({"disable-host"}).exit_code == 2);
  CHECK(harness.Run({"enable-host"}).exit_code == 2);
  CHECK(harness.Run({"disable-host", "h", "--host-id", "h"}).exit_code == 2);
  CHECK(harness.Run({"disable-host", "host-1", "--reason", std::string(256, 'x')}).exit_code == 2);
  CHECK(harness.service().CallCount("DisableHost") == 0);
  CliRun unknown = harness.Run({"enable-host", "host-9"});
  CHECK(unknown.exit_code == 1);
  CHECK(Contains(unknown.err, "(InvalidHostID.NotFound) when calling the EnableHost operation"));
}

TEST_CASE("host states and disabled hosts are coloured on a terminal") {
  // This test verifies the colours of the host table on a terminal.
  CliHarness harness;
  harness.stdout_is_tty = true;
  harness.Run({"disable-host", "host-1"});
  CliRun run = harness.Run({"describe-hosts"});
  CHECK(Contains(run.out, "\x1b[32mup\x1b[0m"));
  CHECK(Contains(run.out, "\x1b[31mdown\x1b[0m"));
  CHECK(Contains(run.out, "\x1b[33mno\x1b[0m"));
}

TEST_CASE("create-instance-type sends the hypervisor and shows it") {
  // This test verifies --hypervisor, its validation and the HYPERVISOR column.
  CliHarness harness;
  CliRun run = harness.Run({"create-instance-type", "--instance-type", "k1.large", "--vcpus", "4",
                            "--memory-mib", "8192", "--root-disk-gib", "40", "--hypervisor", "kvm",
                            "-o", "text"});
  REQUIRE(run.exit_code == 0);
  CHECK(run.out == "k1.large\t4\t8192\t40\tkvm\n");
  auto request =
      harness.service().Requests<v1::CreateInstanceTypeRequest>("CreateInstanceType").at(0);
  CHECK(request.instance_type().hypervisor() == "kvm");

  harness.Run({"create-instance-type", "--instance-type", "g1.nano", "--vcpus", "1", "--memory-mib",
               "256", "--root-disk-gib", "1"});
  CliRun table = harness.Run({"describe-instance-types", "-o", "table"});
  CHECK(Contains(table.out, "HYPERVISOR\n"));
  CHECK(Contains(table.out, "g1.nano   1      256         1              any\n"));
  CHECK(harness
            .Run({"create-instance-type", "--instance-type", "x", "--vcpus", "1", "--memory-mib",
                  "1", "--root-disk-gib", "1", "--hypervisor", "xen"})
            .exit_code == 2);
}

}  // namespace gureum::cli
