#include "cli/parse/argument_parsers.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace gureum::cli {
namespace {

constexpr char kFilterSyntax[] = "Name=<name>,Values=<value>[,<value>...]";

absl::Status UsageProblem(std::string_view option, const std::string& message) {
  return absl::InvalidArgumentError(std::string(option) + ": " + message);
}

std::string Quoted(std::string_view value) { return "'" + std::string(value) + "'"; }

std::vector<std::string> SplitOn(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::optional<int> ParsePositiveInt(std::string_view text) {
  int value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 1) return std::nullopt;
  return value;
}

absl::StatusOr<v1::Filter> FilterFromJson(std::string_view option, const nlohmann::json& object,
                                          std::string_view value) {
  auto bad = [&](const std::string& why) {
    return UsageProblem(option, why + " in " + Quoted(value));
  };
  if (!object.is_object())
    return bad("each filter must be an object {\"Name\":...,\"Values\":[...]}");
  auto name = object.find("Name");
  auto values = object.find("Values");
  if (name == object.end() || !name->is_string() || name->get<std::string>().empty()) {
    return bad("\"Name\" must be a non-empty string");
  }
  if (values == object.end() || !values->is_array() || values->empty()) {
    return bad("\"Values\" must be a non-empty list of strings");
  }
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it.key() != "Name" && it.key() != "Values") return bad("unknown key \"" + it.key() + "\"");
  }
  v1::Filter filter;
  filter.set_name(name->get<std::string>());
  for (const auto& item : *values) {
    if (!item.is_string()) return bad("\"Values\" must be a non-empty list of strings");
    filter.add_values(item.get<std::string>());
  }
  return filter;
}

absl::StatusOr<std::vector<v1::Filter>> ParseJsonFilters(std::string_view option,
                                                         std::string_view value) {
  nlohmann::json parsed = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return UsageProblem(option, "invalid JSON " + Quoted(value));
  std::vector<v1::Filter> filters;
  if (parsed.is_array()) {
    if (parsed.empty()) return UsageProblem(option, "empty filter list " + Quoted(value));
    for (const auto& item : parsed) {
      auto filter = FilterFromJson(option, item, value);
      if (!filter.ok()) return filter.status();
      filters.push_back(*std::move(filter));
    }
  } else {
    auto filter = FilterFromJson(option, parsed, value);
    if (!filter.ok()) return filter.status();
    filters.push_back(*std::move(filter));
  }
  return filters;
}

absl::StatusOr<v1::Filter> ParseShorthandFilter(std::string_view option, std::string_view value) {
  auto bad = [&](const std::string& why) {
    return UsageProblem(option, why + ": expected " + kFilterSyntax + ", got " + Quoted(value));
  };
  enum class Key { kNone, kName, kValues };
  Key current = Key::kNone;
  std::optional<std::string> name;
  bool saw_values = false;
  v1::Filter filter;
  // A token starting with "Name=" or "Values=" opens that key; any other token is
  // one more value of the key before it, so "Values=a,b" yields two values.
  for (const std::string& token : SplitOn(value, ',')) {
    if (token.rfind("Name=", 0) == 0) {
      if (name) return bad("Name given twice");
      name = token.substr(5);
      current = Key::kName;
    } else if (token.rfind("Values=", 0) == 0) {
      if (saw_values) return bad("Values given twice");
      saw_values = true;
      current = Key::kValues;
      filter.add_values(token.substr(7));
    } else if (current == Key::kValues) {
      filter.add_values(token);
    } else if (current == Key::kName) {
      return bad("a filter name cannot contain ','");
    } else {
      return bad("missing Name");
    }
  }
  if (!name || name->empty()) return bad("missing Name");
  if (!saw_values) return bad("missing Values");
  for (const auto& v : filter.values()) {
    if (v.empty()) return bad("empty value");
  }
  filter.set_name(*name);
  return filter;
}

}  // namespace

absl::StatusOr<std::vector<v1::Filter>> ParseFilters(std::string_view option,
                                                     std::string_view value) {
  size_t first = value.find_first_not_of(" \t\n");
  if (first != std::string_view::npos && (value[first] == '[' || value[first] == '{')) {
    return ParseJsonFilters(option, value);
  }
  auto filter = ParseShorthandFilter(option, value);
  if (!filter.ok()) return filter.status();
  return std::vector<v1::Filter>{*std::move(filter)};
}

absl::StatusOr<std::vector<v1::Filter>> ParseFilterList(std::string_view option,
                                                        const std::vector<std::string>& values) {
  std::vector<v1::Filter> all;
  for (const auto& value : values) {
    auto filters = ParseFilters(option, value);
    if (!filters.ok()) return filters.status();
    all.insert(all.end(), std::make_move_iterator(filters->begin()),
               std::make_move_iterator(filters->end()));
  }
  return all;
}

absl::StatusOr<v1::Tag> ParseTag(std::string_view option, std::string_view value) {
  size_t equals = value.find('=');
  if (equals == std::string_view::npos) {
    return UsageProblem(option, "expected key=value, got " + Quoted(value));
  }
  if (equals == 0) return UsageProblem(option, "empty tag key in " + Quoted(value));
  v1::Tag tag;
  tag.set_key(std::string(value.substr(0, equals)));
  tag.set_value(std::string(value.substr(equals + 1)));
  return tag;
}

absl::StatusOr<InstanceCount> ParseCount(std::string_view option, std::string_view value) {
  auto bad = [&](const std::string& why) {
    return UsageProblem(option, why + ": expected N or MIN:MAX (at least 1), got " + Quoted(value));
  };
  size_t colon = value.find(':');
  if (colon == std::string_view::npos) {
    auto n = ParsePositiveInt(value);
    if (!n) return bad("not a positive integer");
    return InstanceCount{*n, *n};
  }
  auto min = ParsePositiveInt(value.substr(0, colon));
  auto max = ParsePositiveInt(value.substr(colon + 1));
  if (!min || !max) return bad("not a positive integer range");
  if (*min > *max) return bad("MIN is greater than MAX");
  return InstanceCount{*min, *max};
}

absl::StatusOr<InstanceCount> ResolveInstanceCount(const std::optional<std::string>& count,
                                                   std::optional<int> min_count,
                                                   std::optional<int> max_count) {
  if (count) {
    if (min_count || max_count) {
      return UsageProblem("--count", "cannot be combined with --min-count or --max-count");
    }
    return ParseCount("--count", *count);
  }
  if (min_count && *min_count < 1) {
    return UsageProblem("--min-count", "must be at least 1, got " + std::to_string(*min_count));
  }
  if (max_count && *max_count < 1) {
    return UsageProblem("--max-count", "must be at least 1, got " + std::to_string(*max_count));
  }
  InstanceCount resolved;
  resolved.min = min_count.value_or(1);
  resolved.max = max_count.value_or(resolved.min);
  if (resolved.min > resolved.max) {
    return UsageProblem("--min-count", std::to_string(resolved.min) +
                                           " is greater than --max-count " +
                                           std::to_string(resolved.max));
  }
  return resolved;
}

std::optional<std::string> FileReferencePath(std::string_view value) {
  for (std::string_view scheme : {std::string_view("file://"), std::string_view("fileb://")}) {
    if (value.substr(0, scheme.size()) == scheme) return std::string(value.substr(scheme.size()));
  }
  return std::nullopt;
}

absl::StatusOr<std::string> ReadFileArgument(std::string_view option, const std::string& value) {
  std::optional<std::string> path = FileReferencePath(value);
  if (!path) return value;
  if (path->empty()) return UsageProblem(option, "empty path in " + Quoted(value));
  // As the aws cli does, since a shell leaves "file://~/x" alone.
  if (path->rfind("~/", 0) == 0) {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
      *path = std::string(home) + path->substr(1);
    }
  }
  std::error_code ec;
  if (std::filesystem::is_directory(*path, ec)) {
    return UsageProblem(option, "cannot read " + *path + ": is a directory");
  }
  std::ifstream file(*path, std::ios::binary);
  if (!file) return UsageProblem(option, "cannot read " + *path + ": " + std::strerror(errno));
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return UsageProblem(option, "cannot read " + *path + ": " + std::strerror(errno));
  return contents.str();
}

std::vector<std::string> CollectIds(const std::vector<std::string>& first,
                                    const std::vector<std::string>& second) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const auto* list : {&first, &second}) {
    for (const auto& value : *list) {
      for (std::string& id : SplitOn(value, ',')) {
        if (!id.empty() && seen.insert(id).second) ids.push_back(std::move(id));
      }
    }
  }
  return ids;
}

}  // namespace gureum::cli
