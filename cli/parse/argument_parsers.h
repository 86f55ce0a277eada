// Parsers for the structured values of the CLI's options, in the aws cli's shorthand:
// filters ("Name=instance-state-name,Values=running,stopped"), tags ("k=v"), counts
// ("2" or "2:5") and file references ("file://path"). Thread-safe. All are pure
// except ReadFileArgument, which reads the file it names.
//
// Every error is absl::InvalidArgumentError whose message starts with the option's
// name ("--filters: ..."), which the CLI prints as a usage error (exit 2).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/status/statusor.h>

#include "gureum/v1/compute.pb.h"

namespace gureum::cli {

// One --filters value: the shorthand "Name=<name>,Values=<v1>[,<v2>...]" (keys in
// either order), or JSON: {"Name": "...", "Values": [...]} or a list of those (the
// JSON form is how a value containing a comma is written).
absl::StatusOr<std::vector<v1::Filter>> ParseFilters(std::string_view option,
                                                     std::string_view value);
// Every value of a repeatable --filters option, in order.
absl::StatusOr<std::vector<v1::Filter>> ParseFilterList(std::string_view option,
                                                        const std::vector<std::string>& values);

// "key=value": the key is everything before the first '=' and must not be empty;
// the value may be empty or contain '='.
absl::StatusOr<v1::Tag> ParseTag(std::string_view option, std::string_view value);

struct InstanceCount {
  int min = 1;
  int max = 1;
  bool operator==(const InstanceCount&) const = default;
};

// "N" (exactly N) or "MIN:MAX"; both at least 1 and MIN <= MAX.
absl::StatusOr<InstanceCount> ParseCount(std::string_view option, std::string_view value);

// Combines --count with --min-count/--max-count (which exclude it). Without any,
// one instance; with only --min-count, max = min; with only --max-count, min = 1.
absl::StatusOr<InstanceCount> ResolveInstanceCount(const std::optional<std::string>& count,
                                                   std::optional<int> min_count,
                                                   std::optional<int> max_count);

// The path of "file://path" or "fileb://path" (both read raw bytes here); nullopt
// when the value is a literal.
std::optional<std::string> FileReferencePath(std::string_view value);

// The value itself, or the raw contents of the file it references ("~/" at the start
// of the path is the home directory). Errors name the
// option and the file ("--user-data: cannot read /x: No such file or directory").
absl::StatusOr<std::string> ReadFileArgument(std::string_view option, const std::string& value);

// Resource ids from options and positionals: comma-separated lists are split, empty
// entries dropped, duplicates removed, first-seen order kept.
std::vector<std::string> CollectIds(const std::vector<std::string>& first,
                                    const std::vector<std::string>& second = {});

}  // namespace gureum::cli
