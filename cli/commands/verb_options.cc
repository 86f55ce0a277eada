#include "cli/commands/verb_options.h"

namespace gureum::cli {

void AddSingleId(CLI::App& verb, const std::string& name, std::string& value,
                 const std::string& help) {
  CLI::Option* option = verb.add_option("--" + name, value, help);
  CLI::Option* positional = verb.add_option(name, value, help + " (as an argument)");
  option->excludes(positional);
}

absl::Status RequireValue(std::string_view option, const std::string& value,
                          std::string_view what) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(std::string(option) + ": " + std::string(what) +
                                    " is required");
}

}  // namespace gureum::cli
