// Options every verb shares (--endpoint, --output, --debug, --timeout), resolved
// once the command line is parsed. A plain value; copy freely.
#pragma once

#include <chrono>
#include <string>

#include "cli/output/output_format.h"

namespace gureum::cli {

inline constexpr char kDefaultEndpoint[] = "127.0.0.1:7070";
inline constexpr std::chrono::milliseconds kDefaultCallTimeout{30'000};

struct GlobalOptions {
  std::string endpoint = kDefaultEndpoint;
  OutputFormat output = OutputFormat::kJson;
  // True when -o was given: verbs that print a blob raw by default (console output,
  // private keys) switch to JSON only when asked for it explicitly.
  bool output_explicit = false;
  // Colour only on a terminal, only for tables, and never under NO_COLOR.
  bool color = false;
  bool debug = false;
  std::chrono::milliseconds call_timeout = kDefaultCallTimeout;
  bool call_timeout_explicit = false;
};

}  // namespace gureum::cli
