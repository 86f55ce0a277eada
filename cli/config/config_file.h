// The CLI's configuration file (~/.config/gureum/config): profiles of settings in
// an INI-like syntax, as aws-cli's config:
//
//   # comment (also ';')
//   [default]
//   endpoint = 10.0.0.5:7070
//   output = table
//
//   [profile lab]          (or just [lab])
//   endpoint = lab-controller:7070
//   api_key = k-...
//
// Keys before any section belong to "default". Unknown keys are kept (and
// ignored by the CLI) so that newer files work with older CLIs. Immutable once
// parsed; thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <absl/status/statusor.h>

namespace gureum::cli {

class ConfigFile {
 public:
  using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

  // Where the file is: $GUREUM_CONFIG_FILE, else $XDG_CONFIG_HOME/gureum/config,
  // else $HOME/.config/gureum/config; nullopt without any of them. Empty variables
  // count as unset.
  static std::optional<std::string> DefaultPath(const EnvLookup& getenv);

  // InvalidArgumentError "<source>:<line>: ..." for a line that is neither a
  // section, a key = value pair, a comment nor blank.
  static absl::StatusOr<ConfigFile> Parse(std::string_view text, std::string_view source);
  // A file that does not exist is an empty configuration; one that cannot be read
  // or parsed is an error.
  static absl::StatusOr<ConfigFile> Load(const std::string& path);

  bool HasProfile(const std::string& profile) const;
  std::optional<std::string> Get(const std::string& profile, const std::string& key) const;

 private:
  std::map<std::string, std::map<std::string, std::string>> profiles_;
};

}  // namespace gureum::cli
