#include "cli/config/settings_resolver.h"

#include <catch2/catch.hpp>

namespace gureum::cli {
namespace {

ConfigFile File() {
  auto file = ConfigFile::Parse(
      "[default]\n"
      "endpoint = default-file:1\n"
      "[profile lab]\n"
      "endpoint = lab-file:2\n"
      "output = text\n"
      "api_key = lab-key\n"
      "[bad]\n"
      "output = yaml\n",
      "config");
  REQUIRE(file.ok());
  return *file;
}

}  // namespace

TEST_CASE("the endpoint comes from the flag, then the environment, then the profile") {
  // This test verifies the precedence flag > env > file > default for the endpoint.
  ConfigFile file = File();
  SettingSources sources;
  CHECK(SettingsResolver::Resolve(sources)->endpoint == "127.0.0.1:7070");
  CHECK(SettingsResolver::Resolve(sources)->endpoint_source == "default");

  sources.file = &file;
  CHECK(SettingsResolver::Resolve(sources)->endpoint == "default-file:1");
  sources.profile_env = "lab";
  CHECK(SettingsResolver::Resolve(sources)->endpoint == "lab-file:2");
  CHECK(SettingsResolver::Resolve(sources)->endpoint_source == "profile lab");
  sources.endpoint_env = "env:3";
  CHECK(SettingsResolver::Resolve(sources)->endpoint == "env:3");
  sources.endpoint_flag = "flag:4";
  CHECK(SettingsResolver::Resolve(sources)->endpoint == "flag:4");
  CHECK(SettingsResolver::Resolve(sources)->endpoint_source == "--endpoint");
}

TEST_CASE("the profile comes from the flag, then GUREUM_PROFILE, then default") {
  // This test verifies which profile is read.
  ConfigFile file = File();
  SettingSources sources;
  sources.file = &file;
  CHECK(SettingsResolver::Resolve(sources)->profile == "default");
  sources.profile_env = "lab";
  CHECK(SettingsResolver::Resolve(sources)->profile == "lab");
  sources.profile_flag = "default";
  CHECK(SettingsResolver::Resolve(sources)->profile == "default");
  CHECK(SettingsResolver::Resolve(sources)->endpoint == "default-file:1");
}

TEST_CASE("the API key comes from GUREUM_API_KEY, then the profile") {
  // This test verifies the API key's precedence (there is no flag).
  ConfigFile file = File();
  SettingSources sources;
  sources.file = &file;
  CHECK(SettingsResolver::Resolve(sources)->api_key.empty());
  sources.profile_flag = "lab";
  CHECK(SettingsResolver::Resolve(sources)->api_key == "lab-key");
  sources.api_key_env = "env-key";
  CHECK(SettingsResolver::Resolve(sources)->api_key == "env-key");
}

TEST_CASE("the profile's output is used and checked") {
  // This test verifies the output setting of a profile and its validation.
  ConfigFile file = File();
  SettingSources sources;
  sources.file = &file;
  sources.file_path = "config";
  CHECK_FALSE(SettingsResolver::Resolve(sources)->output.has_value());
  sources.profile_flag = "lab";
  CHECK(SettingsResolver::Resolve(sources)->output == OutputFormat::kText);
  sources.profile_flag = "bad";
  auto bad = SettingsResolver::Resolve(sources);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "output = yaml in profile 'bad' of config: expected json, table or text");
}

TEST_CASE("a profile asked for by name must exist but default may be absent") {
  // This test verifies the error for an unknown profile, with and without a file.
  ConfigFile file = File();
  SettingSources sources;
  sources.profile_flag = "staging";
  sources.file = &file;
  sources.file_path = "/home/u/.config/gureum/config";
  auto missing = SettingsResolver::Resolve(sources);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() ==
        "--profile: the profile 'staging' is not in the config file "
        "/home/u/.config/gureum/config");

  SettingSources no_file;
  CHECK(SettingsResolver::Resolve(no_file).ok());
  no_file.profile_env = "lab";
  CHECK_FALSE(SettingsResolver::Resolve(no_file).ok());
}

}  // namespace gureum::cli
