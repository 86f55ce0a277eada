// Entry point of the `gureum` command line: wires the real process (stdout, stderr,
// terminals, environment, clock, network) into CliApp.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/cli_app.h"
#include "cli/rpc/channel_factory.h"

int main(int argc, char** argv) {
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
  env.no_color = std::getenv("NO_COLOR") != nullptr;
  env.clock = &clock;
  env.sleeper = &sleeper;
  env.connect = &gureum::cli::ConnectToCompute;
  gureum::cli::CliApp app(env);
  return app.Run(std::vector<std::string>(argv + 1, argv + argc));
}
