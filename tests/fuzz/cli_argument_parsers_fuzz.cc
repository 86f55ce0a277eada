// Fuzzes the CLI's parsers of option values typed by users (cli/parse):
// --filters in shorthand ("Name=..,Values=..") and JSON, --tag-specifications'
// "key=value", --count "N" or "MIN:MAX", file:// references and id lists.
//
// Input: byte 0 picks the parser ('f' filters, 't' tag, 'c' count, 'i' ids,
// 'r' file reference), the rest is the option's value. Each parser's result
// must satisfy what its header promises.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/parse/argument_parsers.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/quiet_protobuf.h"

namespace {

namespace cli = gureum::cli;

void CheckUsageProblem(const absl::Status& status, std::string_view option) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, "usage errors");
  FUZZ_CHECK(status.message().substr(0, option.size() + 2) == std::string(option) + ": ",
             "the error starts with the option's name");
}

void Filters(std::string_view value) {
  absl::StatusOr<std::vector<gureum::v1::Filter>> filters = cli::ParseFilters("--filters", value);
  if (!filters.ok()) return CheckUsageProblem(filters.status(), "--filters");
  FUZZ_CHECK(!filters->empty(), "at least one filter");
  for (const gureum::v1::Filter& filter : *filters) {
    FUZZ_CHECK(!filter.name().empty(), "a filter has a name");
    FUZZ_CHECK(filter.values_size() >= 1, "a filter has values");
  }
}

void Tag(std::string_view value) {
  absl::StatusOr<gureum::v1::Tag> tag = cli::ParseTag("--tag", value);
  if (!tag.ok()) return CheckUsageProblem(tag.status(), "--tag");
  FUZZ_CHECK(!tag->key().empty(), "a tag key is not empty");
  FUZZ_CHECK(tag->key().find('=') == std::string::npos, "the key ends at the first '='");
  FUZZ_CHECK(tag->key() + "=" + tag->value() == value, "key=value is the input");
}

void Count(std::string_view value) {
  absl::StatusOr<cli::InstanceCount> count = cli::ParseCount("--count", value);
  if (!count.ok()) return CheckUsageProblem(count.status(), "--count");
  FUZZ_CHECK(count->min >= 1 && count->min <= count->max, "1 <= MIN <= MAX");
  absl::StatusOr<cli::InstanceCount> resolved =
      cli::ResolveInstanceCount(std::string(value), std::nullopt, std::nullopt);
  FUZZ_CHECK(resolved.ok() && *resolved == *count, "--count alone resolves to itself");
}

void Ids(std::string_view value) {
  const std::string text(value);
  const size_t half = text.size() / 2;
  std::vector<std::string> ids = cli::CollectIds({text.substr(0, half)}, {text.substr(half)});
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    FUZZ_CHECK(!id.empty(), "no empty ids");
    FUZZ_CHECK(id.find(',') == std::string::npos, "ids are split on ','");
    FUZZ_CHECK(seen.insert(id).second, "no duplicate ids");
  }
}

void FileReference(std::string_view value) {
  std::optional<std::string> path = cli::FileReferencePath(value);
  if (!path) return;
  FUZZ_CHECK(value.size() >= path->size() + 7, "the path follows the scheme");
  FUZZ_CHECK(value.substr(value.size() - path->size()) == *path, "the path is the rest");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gureum::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view value(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0]) {
    case 'f':
      Filters(value);
      break;
    case 't':
      Tag(value);
      break;
    case 'c':
      Count(value);
      break;
    case 'i':
      Ids(value);
      break;
    case 'r':
      FileReference(value);
      break;
    default:
      break;
  }
  return 0;
}
