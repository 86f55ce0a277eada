// Options every verb shares (--endpoint, --profile, --output, --query, --debug,
// --timeout) and the API key, resolved once the command line is parsed (see
// config/settings_resolver.h for the precedence). A plain value; copy freely.
#pragma once

#include <chrono>
#include <string>

#include "cli/output/output_format.h"

namespace gureum::cli {

inline constexpr char kDefaultEndpoint[] = "127.0.0.1:7070";
inline constexpr std::chrono::milliseconds kDefaultCallTimeout{30'000};

struct GlobalOptions {
  std::string endpoint = kDefaultEndpoint;
  // "--endpoint", "GUREUM_ENDPOINT", "profile NAME" or "default", for --debug.
  std::string endpoint_source = "default";
  // CA certificates (PEM file) that verify the controller: --ca-bundle >
  // GUREUM_CA_BUNDLE > the profile's ca_bundle; empty = none.
  std::string ca_bundle;
  std::string profile = "default";
  // Sent as x-gureum-api-key metadata when not empty.
  std::string api_key;
  // Sent as x-gureum-project / x-gureum-all-projects when set.
  std::string project;
  bool all_projects = false;
  // The --query expression; empty for none.
  std::string query;
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
