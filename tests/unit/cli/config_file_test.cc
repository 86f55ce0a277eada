#include "cli/config/config_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <catch2/catch.hpp>

namespace gureum::cli {
namespace {

ConfigFile::EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("the config file is found by GUREUM_CONFIG_FILE, XDG_CONFIG_HOME, then HOME") {
  // This test verifies the order of the places the config file is looked for.
  CHECK(ConfigFile::DefaultPath(Env(
            {{"GUREUM_CONFIG_FILE", "/tmp/c"}, {"XDG_CONFIG_HOME", "/x"}, {"HOME", "/home/u"}})) ==
        "/tmp/c");
  CHECK(ConfigFile::DefaultPath(Env({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/home/u"}})) ==
        "/x/gureum/config");
  CHECK(ConfigFile::DefaultPath(Env({{"XDG_CONFIG_HOME", ""}, {"HOME", "/home/u"}})) ==
        "/home/u/.config/gureum/config");
  CHECK_FALSE(ConfigFile::DefaultPath(Env({})).has_value());
}

TEST_CASE("config profiles are read in the aws cli's INI syntax") {
  // This test verifies sections with and without the "profile" prefix, comments,
  // spaces around '=', values containing '=', and keys before any section.
  auto config = ConfigFile::Parse(
      "endpoint = top:1\n"
      "# a comment\n"
      "; another\n"
      "\n"
      "[default]\n"
      "output=table\n"
      "[profile lab]\n"
      "  endpoint =  lab:7070  \r\n"
      "api_key = k=v==\n"
      "[prod]\n",
      "test-config");
  REQUIRE(config.ok());
  CHECK(config->Get("default", "endpoint") == "top:1");
  CHECK(config->Get("default", "output") == "table");
  CHECK(config->Get("lab", "endpoint") == "lab:7070");
  CHECK(config->Get("lab", "api_key") == "k=v==");
  CHECK(config->HasProfile("prod"));
  CHECK_FALSE(config->Get("prod", "endpoint").has_value());
  CHECK_FALSE(config->HasProfile("staging"));
}

TEST_CASE("a malformed config line is an error naming the file and line") {
  // This test verifies the errors for lines that are not sections or pairs.
  auto no_equals = ConfigFile::Parse("[default]\nendpoint\n", "/etc/c");
  REQUIRE_FALSE(no_equals.ok());
  CHECK(no_equals.status().message() == "/etc/c:2: expected 'key = value' or '[profile]'");
  CHECK_FALSE(ConfigFile::Parse("[lab\n", "c").ok());
  CHECK_FALSE(ConfigFile::Parse("[ ]\n", "c").ok());
  CHECK_FALSE(ConfigFile::Parse("= value\n", "c").ok());
}

TEST_CASE("a missing config file is an empty configuration") {
  // This test verifies Load on a path that does not exist and on one that does.
  auto missing = ConfigFile::Load("/nonexistent/gureum/config");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->HasProfile("default"));

  auto path =
      std::filesystem::temp_directory_path() / ("gureum-config-" + std::to_string(::getpid()));
  std::ofstream(path) << "[profile lab]\nendpoint = lab:1\n";
  auto loaded = ConfigFile::Load(path.string());
  std::filesystem::remove(path);
  REQUIRE(loaded.ok());
  CHECK(loaded->Get("lab", "endpoint") == "lab:1");
}

}  // namespace gureum::cli
