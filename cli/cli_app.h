// The `gureum` command line: global options, every verb, and the turning of what
// happened into an exit code (see exit_code.h). Everything the process provides
// comes in through CliEnvironment, so tests run whole command lines in-process.
// Not thread-safe; Run() once per instance.
#pragma once

#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <CLI/CLI.hpp>

#include "cli/cli_environment.h"
#include "cli/command_registry.h"

namespace gureum::cli {

class CliApp {
 public:
  explicit CliApp(CliEnvironment env);

  // `args` are the arguments after the program name. Returns the exit code.
  int Run(const std::vector<std::string>& args);

 private:
  void AddGlobalOptions();
  // How the chosen verb is typed ("wait instance-running"); "" before one is chosen.
  std::string VerbPath() const;
  // Flags, environment and config file combined (config/settings_resolver.h); an
  // error is a usage error. Reads the config file.
  absl::StatusOr<GlobalOptions> ResolveGlobalOptions() const;
  // The --debug line that says where the settings came from.
  void TraceSettings(const GlobalOptions& options) const;

  CliEnvironment env_;
  CLI::App app_;
  CommandRegistry registry_;
  std::string endpoint_;
  std::string profile_;
  std::string output_;
  std::string query_;
  bool debug_ = false;
  std::string project_;
  bool all_projects_ = false;
  double timeout_seconds_ = 30;
  CLI::Option* ca_bundle_option_ = nullptr;
  std::string ca_bundle_;
  CLI::Option* endpoint_option_ = nullptr;
  CLI::Option* profile_option_ = nullptr;
  CLI::Option* output_option_ = nullptr;
  CLI::Option* timeout_option_ = nullptr;
};

}  // namespace gureum::cli
