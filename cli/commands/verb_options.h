// Small helpers the verb groups share for declaring options. Thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include <absl/status/status.h>
#include <CLI/CLI.hpp>

namespace gureum::cli {

// `--<name>` and a positional `<name>` bound to the same value; giving both is a
// usage error. For verbs acting on one resource (deregister-image ami-...).
void AddSingleId(CLI::App& verb, const std::string& name, std::string& value,
                 const std::string& help);

// A usage error naming `option` when `value` is empty.
absl::Status RequireValue(std::string_view option, const std::string& value, std::string_view what);

}  // namespace gureum::cli
