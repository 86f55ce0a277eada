#include "cli/cli_app.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/rpc/channel_factory.h"
#include "common/api_error.h"
#include "tests/unit/cli/cli_harness.h"

namespace gureum::cli {
namespace {

using nlohmann::json;
using testing::CliHarness;
using testing::CliRun;

std::string TempPath(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() /
              ("gureum-cli-app-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove(path);
  return path.string();
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Launches instances through the CLI and returns their ids.
std::vector<std::string> LaunchViaCli(CliHarness& harness, const std::string& count) {
  CliRun run = harness.Run({"run-instances", "--image-id", "ami-1", "--count", count});
  REQUIRE(run.exit_code == 0);
  std::vector<std::string> ids;
  json reply = json::parse(run.out);
  for (const auto& instance : reply["instances"]) {
    ids.push_back(instance["instanceId"]);
  }
  return ids;
}

}  // namespace

TEST_CASE("run-instances sends every option to RunInstances") {
  // This test verifies the request built from each run-instances option, user data
  // read raw from a file included.
  CliHarness harness;
  std::string user_data_path = TempPath("user-data");
  std::string user_data("#cloud-config\r\nruncmd: [\0]\n", 27);
  std::ofstream(user_data_path, std::ios::binary) << user_data;

  CliRun run = harness.Run({"run-instances",
                            "--image-id",
                            "ami-0123456789abcdef0",
                            "--instance-type",
                            "g1.small",
                            "--count",
                            "2:5",
                            "--key-name",
                            "mykey",
                            "--user-data",
                            "file://" + user_data_path,
                            "--tag",
                            "Name=web",
                            "--tag",
                            "Env=prod=eu",
                            "--client-token",
                            "tok-1",
                            "--availability-zone",
                            "zone-a",
                            "--placement-group",
                            "spread-1"});
  std::filesystem::remove(user_data_path);

  REQUIRE(run.exit_code == 0);
  auto requests = harness.service().Requests<v1::RunInstancesRequest>("RunInstances");
  REQUIRE(requests.size() == 1);
  const auto& request = requests[0];
  CHECK(request.image_id() == "ami-0123456789abcdef0");
  CHECK(request.instance_type() == "g1.small");
  CHECK(request.min_count() == 2);
  CHECK(request.max_count() == 5);
  CHECK(request.key_name() == "mykey");
  CHECK(request.user_data() == user_data);
  REQUIRE(request.tags_size() == 2);
  CHECK(request.tags(1).key() == "Env");
  CHECK(request.tags(1).value() == "prod=eu");
  CHECK(request.client_token() == "tok-1");
  CHECK(request.placement().availability_zone() == "zone-a");
  CHECK(request.placement().group_name() == "spread-1");
  CHECK_FALSE(request.dry_run());
  // Not a terminal: JSON by default, the reply's shape.
  auto reply = json::parse(run.out);
  CHECK(reply["instances"].size() == 5);
  CHECK(reply["reservationId"].get<std::string>().rfind("r-", 0) == 0);
}

TEST_CASE("run-instances defaults to one instance and takes literal user data") {
  // This test verifies the count default and that user data without file:// is sent as is.
  CliHarness harness;
  CliRun run =
      harness.Run({"run-instances", "--image-id", "ami-1", "--user-data", "#!/bin/sh\necho hi"});
  REQUIRE(run.exit_code == 0);
  auto request = harness.service().Requests<v1::RunInstancesRequest>("RunInstances").at(0);
  CHECK(request.min_count() == 1);
  CHECK(request.max_count() == 1);
  CHECK(request.user_data() == "#!/bin/sh\necho hi");
}

TEST_CASE("run-instances --wait prints the instances as the wait left them") {
  // This test verifies that --wait polls until running, reports progress on stderr
  // and prints the running instances on stdout.
  CliHarness harness;
  harness.service().SetLaunchStates({"pending", "running"});
  CliRun run = harness.Run({"run-instances", "--image-id", "ami-1", "--count", "2", "--wait"});
  CHECK(run.exit_code == 0);
  auto reply = json::parse(run.out);
  REQUIRE(reply["instances"].size() == 2);
  CHECK(reply["instances"][0]["state"]["name"] == "running");
  CHECK(reply["instances"][1]["state"]["name"] == "running");
  CHECK(Contains(run.err, "running"));
  CHECK(Contains(run.err, "done"));
  CHECK(harness.service().CallCount("DescribeInstances") == 2);
}

TEST_CASE("run-instances --wait exits 3 when an instance ends in another state") {
  // This test verifies exit code 3, the failure line on stderr and that the ids still
  // reach stdout so the instances can be cleaned up.
  CliHarness harness;
  harness.service().SetLaunchStates({"pending", "terminated"});
  CliRun run = harness.Run({"run-instances", "--image-id", "ami-1", "--wait"});
  CHECK(run.exit_code == 3);
  auto reply = json::parse(run.out);
  std::string id = reply["instances"][0]["instanceId"];
  CHECK(reply["instances"][0]["state"]["name"] == "terminated");
  CHECK(Contains(run.err, "gureum: wait instance-running failed: " + id + " is terminated"));
}

TEST_CASE("malformed run-instances options are usage errors before any call") {
  // This test verifies exit code 2, the option named on stderr and that nothing was sent.
  CliHarness harness;
  struct Case {
    std::vector<std::string> args;
    std::string named;
  };
  std::vector<Case> cases = {
      {{"run-instances", "--image-id", "ami-1", "--count", "0"}, "--count"},
      {{"run-instances", "--image-id", "ami-1", "--count", "5:2"}, "--count"},
      {{"run-instances", "--image-id", "ami-1", "--count", "2", "--min-count", "1"}, "--count"},
      {{"run-instances", "--image-id", "ami-1", "--min-count", "3", "--max-count", "2"},
       "--min-count"},
      {{"run-instances", "--image-id", "ami-1", "--tag", "novalue"}, "--tag"},
      {{"run-instances", "--image-id", "ami-1", "--user-data", "file:///no/such/file"},
       "--user-data"},
      {{"run-instances"}, "--image-id"},
      {{"run-instances", "--image-id", "ami-1", "--bogus"}, "--bogus"},
      {{"run-instances", "--image-id", "ami-1", "--wait-timeout", "-1"}, "--wait-timeout"},
  };
  for (const auto& c : cases) {
    INFO(c.args.back());
    CliRun run = harness.Run(c.args);
    CHECK(run.exit_code == 2);
    CHECK(Contains(run.err, "gureum: error: "));
    CHECK(Contains(run.err, c.named));
    CHECK(Contains(run.err, "Run 'gureum run-instances --help' for usage."));
    CHECK(run.out.empty());
  }
  CHECK(harness.service().CallCount("RunInstances") == 0);
  CHECK(harness.endpoints_dialled.empty());
}

TEST_CASE("an API error prints the aws cli's line and exits 1") {
  // This test verifies the error line built from the server's ErrorDetail.
  CliHarness harness;
  harness.service().FailNext("RunInstances",
                             InvalidParameter("InstanceType", "Unknown instance type 'x9'"));
  CliRun run = harness.Run({"run-instances", "--image-id", "ami-1", "--instance-type", "x9"});
  CHECK(run.exit_code == 1);
  CHECK(run.err ==
        "An error occurred (InvalidParameterValue) when calling the RunInstances operation: "
        "Unknown instance type 'x9'\n");
  CHECK(run.out.empty());
}

TEST_CASE("a successful dry run exits 0 with the DryRunOperation line") {
  // This test verifies that DryRunOperation counts as success, as its message says.
  CliHarness harness;
  CliRun run = harness.Run({"run-instances", "--image-id", "ami-1", "--dry-run"});
  CHECK(run.exit_code == 0);
  CHECK(Contains(run.err, "An error occurred (DryRunOperation) when calling the RunInstances"));
  CHECK(harness.service().Requests<v1::RunInstancesRequest>("RunInstances").at(0).dry_run());
}

TEST_CASE("an unreachable endpoint is reported as such with exit code 1") {
  // This test verifies the connection failure message through a real channel.
  std::ostringstream out;
  std::ostringstream err;
  ManualClock clock;
  testing::ManualSleeper sleeper(clock);
  CliEnvironment env;
  env.out = &out;
  env.err = &err;
  env.clock = &clock;
  env.sleeper = &sleeper;
  env.connect = &ConnectToCompute;
  CliApp app(env);
  int code = app.Run({"describe-instances", "--endpoint", "127.0.0.1:1"});
  CHECK(code == 1);
  CHECK(Contains(err.str(),
                 "Could not connect to the endpoint 127.0.0.1:1 when calling the "
                 "DescribeInstances operation"));
  CHECK(out.str().empty());
}

TEST_CASE("describe-instances follows next_token through every page") {
  // This test verifies that all pages are fetched and printed as one response.
  CliHarness harness;
  LaunchViaCli(harness, "5");
  harness.service().SetPageSize(2);
  CliRun run = harness.Run({"describe-instances"});
  REQUIRE(run.exit_code == 0);
  auto reply = json::parse(run.out);
  CHECK(reply["instances"].size() == 5);
  CHECK(reply["nextToken"] == "");
  auto requests = harness.service().Requests<v1::DescribeInstancesRequest>("DescribeInstances");
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].next_token().empty());
  CHECK(requests[1].next_token() == "2");
  CHECK(requests[2].next_token() == "4");
}

TEST_CASE("describe-instances --max-items stops early and says where to continue") {
  // This test verifies that pages never overshoot --max-items and that the resume
  // token is printed (in the JSON, or on stderr for tables) and accepted back.
  CliHarness harness;
  LaunchViaCli(harness, "5");
  CliRun run = harness.Run({"describe-instances", "--max-items", "3", "--page-size", "2"});
  REQUIRE(run.exit_code == 0);
  auto reply = json::parse(run.out);
  CHECK(reply["instances"].size() == 3);
  CHECK(reply["nextToken"] == "3");
  auto requests = harness.service().Requests<v1::DescribeInstancesRequest>("DescribeInstances");
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].max_results() == 2);
  CHECK(requests[1].max_results() == 1);

  CliRun table = harness.Run({"describe-instances", "--max-items", "3", "-o", "table"});
  CHECK(Contains(table.err, "continue with --starting-token 3"));

  CliRun rest = harness.Run({"describe-instances", "--starting-token", "3"});
  CHECK(json::parse(rest.out)["instances"].size() == 2);
}

TEST_CASE("describe-instances passes ids and filters") {
  // This test verifies comma-separated ids and repeated --filters in the request.
  CliHarness harness;
  auto ids = LaunchViaCli(harness, "3");
  CliRun run = harness.Run({"describe-instances", "--instance-ids", ids[0] + "," + ids[1],
                            "--filters", "Name=instance-state-name,Values=pending,running",
                            "--filters", "Name=tag:Name,Values=web"});
  REQUIRE(run.exit_code == 0);
  auto request =
      harness.service().Requests<v1::DescribeInstancesRequest>("DescribeInstances").back();
  CHECK(request.instance_ids_size() == 2);
  REQUIRE(request.filters_size() == 2);
  CHECK(request.filters(0).values_size() == 2);
  CHECK(request.filters(1).name() == "tag:Name");
}

TEST_CASE("bad --filters syntax is a usage error naming the option") {
  // This test verifies exit code 2 for a malformed filter, before any call.
  CliHarness harness;
  CliRun run = harness.Run({"describe-instances", "--filters", "instance-state-name=running"});
  CHECK(run.exit_code == 2);
  CHECK(Contains(run.err, "gureum: error: --filters: "));
  CHECK(harness.service().CallCount("DescribeInstances") == 0);
}

TEST_CASE("the output format follows the terminal unless -o says otherwise") {
  // This test verifies table on a terminal, JSON otherwise, text and colour rules.
  CliHarness harness;
  LaunchViaCli(harness, "1");

  harness.stdout_is_tty = true;
  CliRun table = harness.Run({"describe-instances"});
  CHECK(table.out.rfind("ID ", 0) == 0);
  CHECK(Contains(table.out, "\x1b["));  // the state is coloured on a terminal

  harness.no_color = true;
  CHECK_FALSE(Contains(harness.Run({"describe-instances"}).out, "\x1b["));

  CliRun json_on_tty = harness.Run({"describe-instances", "-o", "json"});
  CHECK(json::parse(json_on_tty.out)["instances"].size() == 1);

  harness.stdout_is_tty = false;
  CliRun text = harness.Run({"-o", "text", "describe-instances"});
  CHECK(std::count(text.out.begin(), text.out.end(), '\t') == 7);
  CHECK_FALSE(Contains(text.out, "ID"));

  CliRun bad = harness.Run({"describe-instances", "-o", "yaml"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("the endpoint comes from --endpoint, else GUREUM_ENDPOINT, else the default") {
  // This test verifies the endpoint precedence and that global options may follow the verb.
  CliHarness harness;
  harness.Run({"describe-hosts"});
  harness.endpoint_from_env = "ctl.example:9000";
  harness.Run({"describe-hosts"});
  harness.Run({"describe-hosts", "--endpoint", "other:1234"});
  CHECK(harness.endpoints_dialled ==
        std::vector<std::string>{"127.0.0.1:7070", "ctl.example:9000", "other:1234"});
}

TEST_CASE("stop-instances takes ids as options and arguments and passes --force") {
  // This test verifies id collection, --force and --wait's final states.
  CliHarness harness;
  harness.service().SetLaunchStates({"running"});
  auto ids = LaunchViaCli(harness, "2");
  CliRun run =
      harness.Run({"stop-instances", ids[0], "--instance-ids", ids[1], "--force", "--wait"});
  REQUIRE(run.exit_code == 0);
  auto request = harness.service().Requests<v1::StopInstancesRequest>("StopInstances").at(0);
  CHECK(request.force());
  CHECK(request.instance_ids_size() == 2);
  auto reply = json::parse(run.out);
  CHECK(reply["instances"][0]["previousState"]["name"] == "pending");
  CHECK(reply["instances"][0]["currentState"]["name"] == "stopped");
  CHECK(reply["instances"][1]["currentState"]["name"] == "stopped");
}

TEST_CASE("start, reboot and terminate send their ids") {
  // This test verifies the remaining state-changing verbs and their outputs.
  CliHarness harness;
  auto ids = LaunchViaCli(harness, "1");
  CHECK(harness.Run({"start-instances", ids[0]}).exit_code == 0);
  CHECK(harness.service().Requests<v1::StartInstancesRequest>("StartInstances").size() == 1);

  CliRun reboot = harness.Run({"reboot-instances", "--instance-ids", ids[0], "--dry-run"});
  CHECK(reboot.exit_code == 0);
  CHECK(reboot.out == "{}\n");
  CHECK(harness.service().Requests<v1::RebootInstancesRequest>("RebootInstances").at(0).dry_run());

  CliRun terminate = harness.Run({"terminate-instances", ids[0], "--wait", "-o", "text"});
  CHECK(terminate.exit_code == 0);
  CHECK(terminate.out == ids[0] + "\tpending\tterminated\n");
}

TEST_CASE("state-changing verbs without ids are usage errors") {
  // This test verifies that an id is required, as an option or an argument.
  CliHarness harness;
  for (const char* verb :
       {"start-instances", "stop-instances", "reboot-instances", "terminate-instances"}) {
    CliRun run = harness.Run({verb});
    CHECK(run.exit_code == 2);
    CHECK(Contains(run.err, "--instance-ids"));
  }
}

TEST_CASE("wait instance-running returns quietly once instances run") {
  // This test verifies the wait verb's success: exit 0, nothing on stdout.
  CliHarness harness;
  harness.service().SetLaunchStates({"pending", "pending", "running"});
  auto ids = LaunchViaCli(harness, "2");
  CliRun run = harness.Run({"wait", "instance-running", ids[0], ids[1]});
  CHECK(run.exit_code == 0);
  CHECK(run.out.empty());
}

TEST_CASE("wait times out with exit 3 naming the instance and its state") {
  // This test verifies the waiter's own --timeout and the timeout message, and that
  // the global --timeout given before the verb stays the per-call deadline.
  CliHarness harness;
  harness.service().SetLaunchStates({"pending"});
  auto ids = LaunchViaCli(harness, "1");
  CliRun run = harness.Run({"--timeout", "7", "--debug", "wait", "instance-running", "--timeout",
                            "2", "--poll-interval-ms", "1000", ids[0]});
  CHECK(run.exit_code == 3);
  CHECK(Contains(run.err,
                 "gureum: wait instance-running timed out after 2 s: " + ids[0] + " is pending"));
  CHECK(Contains(run.err, "(deadline 7000 ms)"));
  CHECK(harness.sleeper.slept.size() == 2);
}

TEST_CASE("wait fails with exit 3 when an instance settles elsewhere") {
  // This test verifies that waiting for running ends once a stopped instance is meant
  // to stay stopped, and that the message carries the state reason.
  CliHarness harness;
  harness.service().SetLaunchStates({"running"});
  auto ids = LaunchViaCli(harness, "1");
  REQUIRE(harness.Run({"stop-instances", ids[0]}).exit_code == 0);
  harness.service().ScriptStates(ids[0], {"stopping", "stopped"}, "Client.UserInitiatedShutdown",
                                 "User initiated shutdown");
  CliRun run = harness.Run({"wait", "instance-running", ids[0]});
  CHECK(run.exit_code == 3);
  CHECK(Contains(run.err, "gureum: wait instance-running failed: " + ids[0] +
                              " is stopped (Client.UserInitiatedShutdown: User initiated "
                              "shutdown)"));
  CHECK(harness.sleeper.slept.size() == 1);
}

TEST_CASE("wait without a waiter name or ids is a usage error") {
  // This test verifies the wait verb's usage errors.
  CliHarness harness;
  CHECK(harness.Run({"wait"}).exit_code == 2);
  CHECK(harness.Run({"wait", "instance-exists", "i-1"}).exit_code == 2);
  CliRun no_ids = harness.Run({"wait", "instance-stopped"});
  CHECK(no_ids.exit_code == 2);
  CHECK(Contains(no_ids.err, "Run 'gureum wait instance-stopped --help'"));
}

TEST_CASE("get-console-output prints the output raw unless JSON is asked for") {
  // This test verifies raw bytes by default and base64 under -o json.
  CliHarness harness;
  std::string console = std::string("boot\r\n\x1b[0mlogin: ") + '\0';
  harness.service().SetConsoleOutput(console);
  CliRun raw = harness.Run({"get-console-output", "--instance-id", "i-1"});
  CHECK(raw.exit_code == 0);
  CHECK(raw.out == console);

  CliRun as_json = harness.Run({"get-console-output", "i-1", "-o", "json"});
  CHECK(json::parse(as_json.out)["output"] == "Ym9vdA0KG1swbWxvZ2luOiAA");
  CHECK(harness.service()
            .Requests<v1::GetConsoleOutputRequest>("GetConsoleOutput")
            .at(1)
            .instance_id() == "i-1");

  CHECK(harness.Run({"get-console-output"}).exit_code == 2);
}

TEST_CASE("create-key-pair prints the private key raw by default") {
  // This test verifies that the key material is the whole stdout, ready for a .pem.
  CliHarness harness;
  CliRun run = harness.Run({"create-key-pair", "--key-name", "k1", "--key-type", "ed25519"});
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);
  CHECK(run.out.substr(run.out.size() - 26) == "-----END PRIVATE KEY-----\n");
  CHECK(harness.service().Requests<v1::CreateKeyPairRequest>("CreateKeyPair").at(0).key_type() ==
        "ed25519");
  CHECK(harness.Run({"create-key-pair", "--key-name", "k2", "--key-type", "dsa"}).exit_code == 2);
}

TEST_CASE("create-key-pair --output-file writes the key 0600 and never overwrites") {
  // This test verifies the file, its mode, the summary without the key on stdout, and
  // that an existing file stops the command before a key pair is created.
  CliHarness harness;
  std::string path = TempPath("key.pem");
  CliRun run = harness.Run({"create-key-pair", "--key-name", "k1", "--output-file", path});
  REQUIRE(run.exit_code == 0);
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  std::ifstream in(path);
  std::string first_line;
  std::getline(in, first_line);
  CHECK(first_line == "-----BEGIN PRIVATE KEY-----");
  auto summary = json::parse(run.out);
  CHECK(summary["keyName"] == "k1");
  CHECK(summary["keyMaterial"] == "");

  CliRun again = harness.Run({"create-key-pair", "--key-name", "k2", "--output-file", path});
  CHECK(again.exit_code == 2);
  CHECK(Contains(again.err, "--output-file"));
  CHECK(harness.service().CallCount("CreateKeyPair") == 1);
  std::filesystem::remove(path);
}

TEST_CASE("a failed create-key-pair leaves no key file behind") {
  // This test verifies that the pre-created file is removed when the call fails.
  CliHarness harness;
  harness.Run({"create-key-pair", "--key-name", "dup"});
  std::string path = TempPath("dup.pem");
  CliRun run = harness.Run({"create-key-pair", "--key-name", "dup", "--output-file", path});
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.err, "(InvalidKeyPair.Duplicate)"));
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("key pair verbs import, list and delete") {
  // This test verifies import-key-pair from a file, describe-key-pairs and delete-key-pair.
  CliHarness harness;
  std::string path = TempPath("id.pub");
  std::ofstream(path) << "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample me@laptop\n";
  CliRun imported = harness.Run(
      {"import-key-pair", "--key-name", "laptop", "--public-key-material", "file://" + path});
  std::filesystem::remove(path);
  REQUIRE(imported.exit_code == 0);
  CHECK(harness.service()
            .Requests<v1::ImportKeyPairRequest>("ImportKeyPair")
            .at(0)
            .public_key_material() == "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample me@laptop\n");

  CliRun listed = harness.Run({"describe-key-pairs", "-o", "text"});
  CHECK(listed.out.rfind("laptop\tkey-", 0) == 0);
  CHECK(Contains(listed.out, "\ted25519\t"));

  CHECK(harness.Run({"delete-key-pair"}).exit_code == 2);
  CHECK(harness.Run({"delete-key-pair", "--key-name", "laptop"}).exit_code == 0);
  CHECK(json::parse(harness.Run({"describe-key-pairs"}).out)["keyPairs"].empty());
}

TEST_CASE("instance type verbs create, list and delete") {
  // This test verifies the instance type verbs' requests and outputs.
  CliHarness harness;
  CliRun created = harness.Run({"create-instance-type", "--instance-type", "g1.small", "--vcpus",
                                "1", "--memory-mib", "1024", "--root-disk-gib", "10"});
  REQUIRE(created.exit_code == 0);
  CHECK(json::parse(created.out)["memoryMib"] == "1024");
  CliRun listed = harness.Run({"describe-instance-types", "-o", "text"});
  CHECK(listed.out == "g1.small\t1\t1024\t10\tany\n");
  CHECK(harness
            .Run({"create-instance-type", "--instance-type", "x", "--vcpus", "0", "--memory-mib",
                  "1", "--root-disk-gib", "1"})
            .exit_code == 2);
  CHECK(harness.Run({"delete-instance-type", "g1.small"}).exit_code == 0);
  CliRun missing = harness.Run({"delete-instance-type", "--instance-type", "g1.small"});
  CHECK(missing.exit_code == 1);
  CHECK(Contains(missing.err, "(InvalidInstanceType)"));
}

TEST_CASE("image verbs import with a long deadline, list and deregister") {
  // This test verifies import-image's request and default 600 s deadline, and the
  // other image verbs.
  CliHarness harness;
  CliRun imported =
      harness.Run({"--debug", "import-image", "--name", "tiny", "--source-path", "/srv/root.img",
                   "--kernel-path", "/srv/vmlinuz", "--ramdisk-path", "/srv/initrd",
                   "--kernel-args", "console=ttyS0", "--client-token", "t1"});
  REQUIRE(imported.exit_code == 0);
  CHECK(
      Contains(imported.err, "[debug] ImportImage request to 127.0.0.1:7070 (deadline 600000 ms)"));
  auto request = harness.service().Requests<v1::ImportImageRequest>("ImportImage").at(0);
  CHECK(request.kernel_args() == "console=ttyS0");
  CHECK(request.ramdisk_path() == "/srv/initrd");
  std::string image_id = json::parse(imported.out)["imageId"];

  CliRun explicit_timeout = harness.Run(
      {"--debug", "--timeout", "5", "import-image", "--name", "b", "--source-path", "/x"});
  CHECK(Contains(explicit_timeout.err, "(deadline 5000 ms)"));
  // A relative path means the shell's directory, since the controller has another.
  harness.Run({"import-image", "--name", "rel", "--source-path", "images/../disk.qcow2"});
  CHECK(harness.service().Requests<v1::ImportImageRequest>("ImportImage").at(2).source_path() ==
        (std::filesystem::current_path() / "disk.qcow2").string());

  CHECK(harness.Run({"import-image", "--name", "c", "--source-path", "/x", "--ramdisk-path", "/i"})
            .exit_code == 2);

  CliRun listed = harness.Run({"describe-images", "-o", "text"});
  CHECK(Contains(listed.out, image_id + "\ttiny\tavailable\tqcow2\tkernel\t1.5 MiB\t"));
  CHECK(harness.Run({"deregister-image", image_id}).exit_code == 0);
  CHECK(harness.Run({"deregister-image", "--image-id", image_id, image_id}).exit_code == 2);
}

TEST_CASE("describe-hosts prints hosts") {
  // This test verifies the host listing in table form.
  CliHarness harness;
  CliRun run = harness.Run({"describe-hosts", "-o", "table"});
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.rfind("ID ", 0) == 0);
  CHECK(Contains(run.out, "h-0123456789abcdef0  host-1  up"));
}

TEST_CASE("events print one JSON object a line and pass their options") {
  // This test verifies the events stream's outputs and request.
  CliHarness harness;
  for (int i = 1; i <= 3; ++i) {
    v1::Event event;
    event.set_sequence(i);
    event.set_resource_id(i == 2 ? "i-2" : "i-1");
    event.set_type("instance.state-changed");
    event.set_from_state("pending");
    event.set_to_state("running");
    harness.service().AddEvent(event);
  }
  CliRun all = harness.Run({"events"});
  REQUIRE(all.exit_code == 0);
  std::istringstream lines(all.out);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    CHECK(json::parse(line)["type"] == "instance.state-changed");
    ++count;
  }
  CHECK(count == 3);

  CliRun filtered = harness.Run({"events", "--after", "1", "--resource-id", "i-1", "-o", "table"});
  CHECK(filtered.out.rfind("SEQ ", 0) == 0);
  CHECK(Contains(filtered.out, "pending -> running"));
  CHECK(std::count(filtered.out.begin(), filtered.out.end(), '\n') == 2);
  auto request = harness.service().Requests<v1::WatchEventsRequest>("WatchEvents").at(1);
  CHECK(request.after_sequence() == 1);
  CHECK(request.resource_id() == "i-1");
  CHECK_FALSE(request.follow());

  harness.Run({"events", "--follow"});
  CHECK(harness.service().Requests<v1::WatchEventsRequest>("WatchEvents").at(2).follow());
}

TEST_CASE("the debug flag prints each request as JSON on stderr") {
  // This test verifies the debug trace of a request and its outcome.
  CliHarness harness;
  CliRun run = harness.Run({"describe-instances", "--debug", "--instance-ids", "i-9"});
  CHECK(Contains(run.err, "[debug] DescribeInstances request to 127.0.0.1:7070"));
  CHECK(Contains(run.err, "\"instanceIds\": [\n    \"i-9\"\n  ]"));
  CHECK(Contains(run.err,
                 "[debug] DescribeInstances returned NOT_FOUND "
                 "(InvalidInstanceID.NotFound) request-id req-fake"));
  CHECK(run.exit_code == 1);
}

TEST_CASE("help is printed with an example and exits 0") {
  // This test verifies the root and a verb's --help.
  CliHarness harness;
  CliRun root = harness.Run({"--help"});
  CHECK(root.exit_code == 0);
  CHECK(Contains(root.out, "Examples:"));
  CHECK(Contains(root.out, "describe-instances"));
  CHECK(Contains(root.out, "GUREUM_ENDPOINT"));

  CliRun verb = harness.Run({"run-instances", "--help"});
  CHECK(verb.exit_code == 0);
  CHECK(Contains(verb.out, "Usage: gureum run-instances"));
  CHECK(Contains(verb.out, "Example:\n  gureum run-instances --image-id"));

  CliRun nested = harness.Run({"wait", "instance-terminated", "--help"});
  CHECK(nested.exit_code == 0);
  CHECK(Contains(nested.out, "gureum wait instance-terminated i-"));
  CHECK(harness.endpoints_dialled.empty());
}

TEST_CASE("no verb or an unknown verb is a usage error") {
  // This test verifies exit code 2 without a verb.
  CliHarness harness;
  CliRun none = harness.Run({});
  CHECK(none.exit_code == 2);
  CHECK(Contains(none.err, "Run 'gureum --help' for usage."));
  CHECK(harness.Run({"describe-everything"}).exit_code == 2);
}

}  // namespace gureum::cli
