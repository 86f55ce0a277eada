// Entry point of the `gureum` command line: wires the real process (stdout, stderr,
// terminals, environment, config file location, clock, network) into CliApp.
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/cli_app.h"
#include "cli/config/config_file.h"
#include "cli/rpc/channel_factory.h"

int main(int argc, char** argv) {
  // Output into a closed pipe (`gureum ... | head`) ends the CLI quietly, as
  // it ends every Unix filter, even when the parent left SIGPIPE ignored.
  std::signal(SIGPIPE, SIG_DFL);
  gureum::SystemClock clock;
  gureum::cli::RealSleeper sleeper;
  gureum::cli::CliEnvironment env;
  env.out = &std::cout;
  env.err = &std::cerr;
  env.stdout_is_tty = ::isatty(STDOUT_FILENO) == 1;
  env.stderr_is_tty = ::isatty(STDERR_FILENO) == 1;
  if (const char* endpoint = std::getenv("GUREUM_ENDPOINT"); endpoint && *endpoint) {
    env.endpoint_from_env = endpoint;
  }
  auto getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  env.profile_from_env = getenv("GUREUM_PROFILE");
  env.api_key_from_env = getenv("GUREUM_API_KEY");
  env.project_from_env = getenv("GUREUM_PROJECT").value_or("");
  env.ca_bundle_from_env = getenv("GUREUM_CA_BUNDLE");
  env.config_path = gureum::cli::ConfigFile::DefaultPath(getenv);
  env.no_color = std::getenv("NO_COLOR") != nullptr;
  env.clock = &clock;
  env.sleeper = &sleeper;
  env.connect = &gureum::cli::ConnectToCompute;
  env.check_endpoint = &gureum::cli::CheckEndpoint;
  gureum::cli::CliApp app(env);
  return app.Run(std::vector<std::string>(argv + 1, argv + argc));
}
