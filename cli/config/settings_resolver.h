// Resolves the settings a command runs with from its three sources, in the order
// of precedence: a command-line flag, then an environment variable, then the
// chosen profile of the config file, then the built-in default.
//
//   profile   --profile    > GUREUM_PROFILE  > "default"
//   endpoint  --endpoint   > GUREUM_ENDPOINT > profile's endpoint > 127.0.0.1:7070
//   output    -o/--output  >                   profile's output   > table on a terminal, else json
//   api key                  GUREUM_API_KEY  > profile's api_key  > none
//   CA bundle --ca-bundle  > GUREUM_CA_BUNDLE > profile's ca_bundle > none
//
// There is no --api-key flag on purpose: a key on the command line is visible to
// every user through ps. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include <absl/status/statusor.h>

#include "cli/config/config_file.h"
#include "cli/output/output_format.h"

namespace gureum::cli {

struct SettingSources {
  std::optional<std::string> profile_flag;
  std::optional<std::string> endpoint_flag;
  std::optional<std::string> profile_env;   // GUREUM_PROFILE
  std::optional<std::string> endpoint_env;  // GUREUM_ENDPOINT
  std::optional<std::string> api_key_env;   // GUREUM_API_KEY
  std::optional<std::string> ca_bundle_flag;
  std::optional<std::string> ca_bundle_env;  // GUREUM_CA_BUNDLE
  const ConfigFile* file = nullptr;          // nullptr: no config file
  std::string file_path;                     // for error messages
};

struct ResolvedSettings {
  std::string profile;
  std::string endpoint;
  // Where the endpoint came from: "--endpoint", "GUREUM_ENDPOINT", "profile NAME"
  // or "default", for --debug.
  std::string endpoint_source;
  std::optional<OutputFormat> output;  // nullopt: neither flag nor profile chose one
  std::string api_key;
  std::string ca_bundle;
};

class SettingsResolver {
 public:
  // InvalidArgumentError when a profile named by --profile or GUREUM_PROFILE is not
  // in the file (the "default" profile may be absent), or when the profile's
  // output is not json, table or text. The -o flag is left to the caller, which
  // validates it while parsing.
  static absl::StatusOr<ResolvedSettings> Resolve(const SettingSources& sources);
};

}  // namespace gureum::cli
