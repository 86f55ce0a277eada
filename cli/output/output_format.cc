#include "cli/output/output_format.h"

namespace gureum::cli {

std::optional<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "json") return OutputFormat::kJson;
  if (name == "table") return OutputFormat::kTable;
  if (name == "text") return OutputFormat::kText;
  return std::nullopt;
}

}  // namespace gureum::cli
