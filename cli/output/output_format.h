// The three renderings of a command's result (-o/--output). Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace gureum::cli {

enum class OutputFormat {
  kJson,   // protobuf's JSON mapping of the response message
  kTable,  // aligned columns with a header, for people
  kText,   // tab-separated columns, no header, for cut/awk
};

// "json" | "table" | "text"; nullopt for anything else.
std::optional<OutputFormat> ParseOutputFormat(std::string_view name);

}  // namespace gureum::cli
