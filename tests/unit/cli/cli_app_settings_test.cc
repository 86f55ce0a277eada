#include <unistd.h>

#include <filesystem>
#include <fstream>

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

// A config file in the temp directory, removed with the object.
class TempConfig {
 public:
  explicit TempConfig(const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              ("gureum-cli-config-" + std::to_string(::getpid()))) {
    std::ofstream(path_) << text;
  }
  ~TempConfig() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

constexpr char kConfig[] =
    "[default]\n"
    "endpoint = file-default:7070\n"
    "[profile lab]\n"
    "endpoint = file-lab:7070\n"
    "output = text\n"
    "api_key = lab-key\n";

}  // namespace

TEST_CASE("the endpoint's precedence is flag, environment, profile, default") {
  // This test verifies which endpoint is dialled as each source is added, with the
  // real CliApp reading a config file.
  TempConfig config(kConfig);
  CliHarness harness;
  harness.Run({"describe-hosts"});
  harness.config_path = config.path();
  harness.Run({"describe-hosts"});
  harness.Run({"--profile", "lab", "describe-hosts"});
  harness.profile_from_env = "lab";
  harness.Run({"describe-hosts"});
  harness.endpoint_from_env = "env:1";
  harness.Run({"describe-hosts"});
  harness.Run({"describe-hosts", "--endpoint", "flag:2"});
  CHECK(harness.endpoints_dialled == std::vector<std::string>{"127.0.0.1:7070", "file-default:7070",
                                                              "file-lab:7070", "file-lab:7070",
                                                              "env:1", "flag:2"});
}

TEST_CASE("a profile's output applies unless -o is given") {
  // This test verifies the output setting of a profile against -o.
  TempConfig config(kConfig);
  CliHarness harness;
  harness.config_path = config.path();
  CliRun profile_text = harness.Run({"--profile", "lab", "describe-quotas"});
  CHECK(profile_text.out.rfind("p-default\tinstances\t", 0) == 0);
  CliRun flag_json = harness.Run({"--profile", "lab", "describe-quotas", "-o", "json"});
  CHECK(json::parse(flag_json.out)["quotas"].size() == 4);
}

TEST_CASE("the API key travels as x-gureum-api-key metadata") {
  // This test verifies the key from the profile, GUREUM_API_KEY before it, and no
  // metadata without a key.
  TempConfig config(kConfig);
  CliHarness harness;
  harness.Run({"describe-hosts"});
  harness.config_path = config.path();
  harness.Run({"--profile", "lab", "describe-hosts"});
  harness.api_key_from_env = "env-key";
  harness.Run({"--profile", "lab", "describe-hosts"});
  CHECK(harness.service().ApiKeys("DescribeHosts") ==
        std::vector<std::string>{"", "lab-key", "env-key"});
}

TEST_CASE("a bad config file or unknown profile is a usage error") {
  // This test verifies exit 2, before any call, for a malformed file and a profile
  // that is not in it.
  TempConfig config("[lab\n");
  CliHarness harness;
  harness.config_path = config.path();
  CliRun malformed = harness.Run({"describe-hosts"});
  CHECK(malformed.exit_code == 2);
  CHECK(Contains(malformed.err, "gureum: error: " + config.path() + ":1: "));

  TempConfig good(kConfig);
  harness.config_path = good.path();
  CliRun unknown = harness.Run({"--profile", "staging", "describe-hosts"});
  CHECK(unknown.exit_code == 2);
  CHECK(Contains(unknown.err, "the profile 'staging' is not in the config file"));
  harness.profile_from_env = "staging";
  CHECK(harness.Run({"describe-hosts"}).exit_code == 2);
  CHECK(harness.endpoints_dialled.empty());
}

TEST_CASE("a query prints part of the reply in each output format") {
  // This test verifies --query with json (the value as JSON), text (bare strings,
  // lists tab-separated) and on an empty reply.
  CliHarness harness;
  REQUIRE(harness.Run({"run-instances", "--image-id", "ami-1", "--count", "2"}).exit_code == 0);
  CliRun first = harness.Run({"describe-instances", "--query", "instances[0].instanceId"});
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.rfind("\"i-", 0) == 0);
  CliRun text =
      harness.Run({"describe-instances", "--query", "instances[].instanceId", "-o", "text"});
  CHECK(std::count(text.out.begin(), text.out.end(), '\t') == 1);
  CHECK(text.out.rfind("i-", 0) == 0);
  CliRun rows =
      harness.Run({"describe-instances", "--query", "instances[*].[instanceId]", "-o", "text"});
  CHECK(rows.exit_code == 2);  // multiselect lists are not in the subset
  CliRun objects = harness.Run({"describe-hosts", "--query", "hosts[].name", "-o", "table"});
  CHECK(objects.out == "host-1\thost-2\n");
  CliRun list = harness.Run({"describe-hosts", "--query", "hosts[].name"});
  CHECK(json::parse(list.out) == json({"host-1", "host-2"}));
  CliRun missing = harness.Run({"describe-hosts", "--query", "nothing", "-o", "text"});
  CHECK(missing.exit_code == 0);
  CHECK(missing.out.empty());
}

TEST_CASE("a malformed --query is a usage error before any call") {
  // This test verifies exit 2 and the position in the message.
  CliHarness harness;
  CliRun run = harness.Run({"describe-hosts", "--query", "hosts[?state=='up']"});
  CHECK(run.exit_code == 2);
  CHECK(Contains(run.err, "gureum: error: --query: "));
  CHECK(harness.endpoints_dialled.empty());
}

TEST_CASE("debug output says where the settings came from and prints each request") {
  // This test verifies the settings line and the request trace of --debug, and that
  // the API key itself is never printed.
  TempConfig config(kConfig);
  CliHarness harness;
  harness.config_path = config.path();
  harness.api_key_from_env = "secret-key";
  CliRun run = harness.Run(
      {"--debug", "--profile", "lab", "describe-placement-groups", "--group-names", "web"});
  CHECK(run.exit_code == 0);
  CHECK(Contains(run.err, "[debug] profile lab, config file " + config.path() +
                              ", endpoint file-lab:7070 (from profile lab), api key sent\n"));
  CHECK(Contains(run.err, "[debug] DescribePlacementGroups request to file-lab:7070"));
  CHECK(Contains(run.err, "\"groupNames\": [\n    \"web\"\n  ]"));
  CHECK_FALSE(Contains(run.err, "secret-key"));
}

}  // namespace gureum::cli
