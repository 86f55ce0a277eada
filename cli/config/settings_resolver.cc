#include "cli/config/settings_resolver.h"

#include "cli/global_options.h"

namespace gureum::cli {

absl::StatusOr<ResolvedSettings> SettingsResolver::Resolve(const SettingSources& sources) {
  ResolvedSettings settings;
  bool profile_named = true;
  if (sources.profile_flag) {
    settings.profile = *sources.profile_flag;
  } else if (sources.profile_env && !sources.profile_env->empty()) {
    settings.profile = *sources.profile_env;
  } else {
    settings.profile = "default";
    profile_named = false;
  }
  bool in_file = sources.file != nullptr && sources.file->HasProfile(settings.profile);
  if (profile_named && !in_file) {
    return absl::InvalidArgumentError(
        "--profile: the profile '" + settings.profile + "' is not in the config file " +
        (sources.file_path.empty() ? "(none found)" : sources.file_path));
  }
  auto from_file = [&](const std::string& key) -> std::optional<std::string> {
    if (!in_file) return std::nullopt;
    return sources.file->Get(settings.profile, key);
  };

  if (sources.endpoint_flag) {
    settings.endpoint = *sources.endpoint_flag;
    settings.endpoint_source = "--endpoint";
  } else if (sources.endpoint_env && !sources.endpoint_env->empty()) {
    settings.endpoint = *sources.endpoint_env;
    settings.endpoint_source = "GUREUM_ENDPOINT";
  } else if (auto endpoint = from_file("endpoint")) {
    settings.endpoint = *endpoint;
    settings.endpoint_source = "profile " + settings.profile;
  } else {
    settings.endpoint = kDefaultEndpoint;
    settings.endpoint_source = "default";
  }

  if (auto output = from_file("output")) {
    settings.output = ParseOutputFormat(*output);
    if (!settings.output) {
      return absl::InvalidArgumentError("output = " + *output + " in profile '" + settings.profile +
                                        "' of " + sources.file_path +
                                        ": expected json, table or text");
    }
  }

  if (sources.api_key_env && !sources.api_key_env->empty()) {
    settings.api_key = *sources.api_key_env;
  } else if (auto key = from_file("api_key")) {
    settings.api_key = *key;
  }
  if (sources.ca_bundle_flag) {
    settings.ca_bundle = *sources.ca_bundle_flag;
  } else if (sources.ca_bundle_env && !sources.ca_bundle_env->empty()) {
    settings.ca_bundle = *sources.ca_bundle_env;
  } else if (auto bundle = from_file("ca_bundle")) {
    settings.ca_bundle = *bundle;
  }
  return settings;
}

}  // namespace gureum::cli
