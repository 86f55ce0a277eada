#include "cli/parse/argument_parsers.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

namespace gureum::cli {
namespace {

std::string MessageOf(const absl::Status& status) { return std::string(status.message()); }

// A file under the test's temporary directory, removed afterwards.
class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    path_ = std::filesystem::temp_directory_path() /
            ("gureum-cli-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

}  // namespace

TEST_CASE("a shorthand filter yields its name and every value") {
  // This test verifies that "Name=..,Values=a,b" becomes one filter with two values.
  auto filters = ParseFilters("--filters", "Name=instance-state-name,Values=running,stopped");
  REQUIRE(filters.ok());
  REQUIRE(filters->size() == 1);
  CHECK((*filters)[0].name() == "instance-state-name");
  REQUIRE((*filters)[0].values_size() == 2);
  CHECK((*filters)[0].values(0) == "running");
  CHECK((*filters)[0].values(1) == "stopped");
}

TEST_CASE("a shorthand filter accepts its keys in either order and tag names") {
  // This test verifies that Values may come before Name and that "tag:Name" is a name.
  auto filters = ParseFilters("--filters", "Values=web,db,Name=tag:Role");
  REQUIRE(filters.ok());
  CHECK((*filters)[0].name() == "tag:Role");
  CHECK((*filters)[0].values_size() == 2);
  CHECK((*filters)[0].values(1) == "db");
}

TEST_CASE("a filter value may contain an equals sign") {
  // This test verifies that only the leading "Values=" is a key, so "a=b" stays a value.
  auto filters = ParseFilters("--filters", "Name=tag:Env,Values=a=b");
  REQUIRE(filters.ok());
  CHECK((*filters)[0].values(0) == "a=b");
}

TEST_CASE("malformed shorthand filters are usage errors naming the option") {
  // This test verifies that each kind of malformed filter is refused with --filters named.
  for (const char* bad :
       {"foo", "Name=x", "Values=a", "Name=,Values=a", "Name=x,Values=", "Name=x,Values=a,,b",
        "Name=a,b,Values=c", "Name=a,Name=b,Values=c", "Name=a,Values=b,Values=c", ""}) {
    INFO(bad);
    auto filters = ParseFilters("--filters", bad);
    REQUIRE_FALSE(filters.ok());
    CHECK(filters.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(MessageOf(filters.status()).rfind("--filters: ", 0) == 0);
  }
}

TEST_CASE("filters can be given as JSON, which allows commas in values") {
  // This test verifies the JSON form, as one object and as a list of objects.
  auto one = ParseFilters("--filters", R"({"Name": "tag:Note", "Values": ["a,b", "c"]})");
  REQUIRE(one.ok());
  REQUIRE(one->size() == 1);
  CHECK((*one)[0].values(0) == "a,b");

  auto list = ParseFilters("--filters", R"([{"Name":"instance-type","Values":["g1.small"]},)"
                                        R"({"Name":"image-id","Values":["ami-1","ami-2"]}])");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[1].name() == "image-id");
  CHECK((*list)[1].values_size() == 2);
}

TEST_CASE("malformed JSON filters are usage errors naming the option") {
  // This test verifies that broken or wrongly shaped JSON is refused with --filters named.
  for (const char* bad : {R"([{"Name": "x"])", R"({"Name": "x", "Values": []})",
                          R"({"Name": 3, "Values": ["a"]})", R"({"Name": "x", "Values": [1]})",
                          R"({"Name": "x", "Values": ["a"], "Extra": 1})", "[]", "[1]"}) {
    INFO(bad);
    auto filters = ParseFilters("--filters", bad);
    REQUIRE_FALSE(filters.ok());
    CHECK(MessageOf(filters.status()).rfind("--filters: ", 0) == 0);
  }
}

TEST_CASE("a filter list keeps every filter of every value in order") {
  // This test verifies that repeated --filters options accumulate.
  auto filters = ParseFilterList(
      "--filters", {"Name=instance-state-name,Values=running", "Name=tag:Name,Values=web"});
  REQUIRE(filters.ok());
  REQUIRE(filters->size() == 2);
  CHECK((*filters)[0].name() == "instance-state-name");
  CHECK((*filters)[1].name() == "tag:Name");
  CHECK_FALSE(ParseFilterList("--filters", {"Name=a,Values=b", "oops"}).ok());
}

TEST_CASE("a tag splits at the first equals sign") {
  // This test verifies key=value parsing, including empty values and '=' in values.
  auto tag = ParseTag("--tag", "Name=web-1");
  REQUIRE(tag.ok());
  CHECK(tag->key() == "Name");
  CHECK(tag->value() == "web-1");
  auto empty_value = ParseTag("--tag", "flag=");
  REQUIRE(empty_value.ok());
  CHECK(empty_value->value().empty());
  auto with_equals = ParseTag("--tag", "expr=a=b");
  REQUIRE(with_equals.ok());
  CHECK(with_equals->value() == "a=b");
}

TEST_CASE("a tag without a key or an equals sign is a usage error naming the option") {
  // This test verifies that "k" and "=v" are refused with --tag named.
  for (const char* bad : {"novalue", "=v", ""}) {
    auto tag = ParseTag("--tag", bad);
    REQUIRE_FALSE(tag.ok());
    CHECK(MessageOf(tag.status()).rfind("--tag: ", 0) == 0);
  }
}

TEST_CASE("a count is either N or MIN:MAX") {
  // This test verifies both count forms.
  CHECK(*ParseCount("--count", "3") == InstanceCount{3, 3});
  CHECK(*ParseCount("--count", "2:5") == InstanceCount{2, 5});
  CHECK(*ParseCount("--count", "4:4") == InstanceCount{4, 4});
}

TEST_CASE("a malformed count is a usage error naming the option") {
  // This test verifies that zero, negatives, junk, half ranges and MIN>MAX are refused.
  for (const char* bad : {"0", "-1", "x", "2:", ":5", "5:2", "1:2:3", "2.5", "99999999999", ""}) {
    INFO(bad);
    auto count = ParseCount("--count", bad);
    REQUIRE_FALSE(count.ok());
    CHECK(MessageOf(count.status()).rfind("--count: ", 0) == 0);
  }
}

TEST_CASE("instance counts combine --count, --min-count and --max-count") {
  // This test verifies the defaults and the exclusions between the count options.
  CHECK(*ResolveInstanceCount(std::nullopt, std::nullopt, std::nullopt) == InstanceCount{1, 1});
  CHECK(*ResolveInstanceCount(std::string("2:4"), std::nullopt, std::nullopt) ==
        InstanceCount{2, 4});
  CHECK(*ResolveInstanceCount(std::nullopt, 3, std::nullopt) == InstanceCount{3, 3});
  CHECK(*ResolveInstanceCount(std::nullopt, std::nullopt, 5) == InstanceCount{1, 5});
  CHECK(*ResolveInstanceCount(std::nullopt, 2, 6) == InstanceCount{2, 6});

  auto both = ResolveInstanceCount(std::string("2"), 1, std::nullopt);
  REQUIRE_FALSE(both.ok());
  CHECK(MessageOf(both.status()).rfind("--count: ", 0) == 0);
  auto inverted = ResolveInstanceCount(std::nullopt, 5, 2);
  REQUIRE_FALSE(inverted.ok());
  CHECK(MessageOf(inverted.status()).rfind("--min-count: ", 0) == 0);
  auto zero_max = ResolveInstanceCount(std::nullopt, std::nullopt, 0);
  REQUIRE_FALSE(zero_max.ok());
  CHECK(MessageOf(zero_max.status()).rfind("--max-count: ", 0) == 0);
}

TEST_CASE("file references are recognised by their scheme") {
  // This test verifies that file:// and fileb:// name paths and anything else is literal.
  CHECK(FileReferencePath("file:///etc/hosts") == std::optional<std::string>("/etc/hosts"));
  CHECK(FileReferencePath("fileb://rel/path") == std::optional<std::string>("rel/path"));
  CHECK_FALSE(FileReferencePath("#!/bin/sh\necho hi").has_value());
  CHECK_FALSE(FileReferencePath("http://example").has_value());
}

TEST_CASE("a file argument is read raw, byte for byte") {
  // This test verifies that file:// contents, including NUL and CR bytes, arrive unchanged.
  std::string contents("#cloud-config\r\n\0binary\xff", 23);
  TempFile file(contents);
  auto read = ReadFileArgument("--user-data", "file://" + file.path());
  REQUIRE(read.ok());
  CHECK(*read == contents);
  auto literal = ReadFileArgument("--user-data", "echo hello");
  REQUIRE(literal.ok());
  CHECK(*literal == "echo hello");
}

TEST_CASE("an unreadable file argument is a usage error naming the option and the file") {
  // This test verifies the error for a missing file, a directory and an empty path.
  auto missing = ReadFileArgument("--public-key-material", "file:///no/such/key.pub");
  REQUIRE_FALSE(missing.ok());
  CHECK(MessageOf(missing.status()).rfind("--public-key-material: ", 0) == 0);
  CHECK(MessageOf(missing.status()).find("/no/such/key.pub") != std::string::npos);
  auto directory = ReadFileArgument("--user-data", "file:///tmp");
  REQUIRE_FALSE(directory.ok());
  CHECK(MessageOf(directory.status()).find("directory") != std::string::npos);
  CHECK_FALSE(ReadFileArgument("--user-data", "file://").ok());
}

TEST_CASE("ids are collected from lists and arguments without duplicates") {
  // This test verifies comma splitting, dropping empties, de-duplication and order.
  auto ids = CollectIds({"i-1,i-2", "i-3", ",", "i-2"}, {"i-4", "i-1"});
  CHECK(ids == std::vector<std::string>{"i-1", "i-2", "i-3", "i-4"});
  CHECK(CollectIds({}).empty());
}

}  // namespace gureum::cli
