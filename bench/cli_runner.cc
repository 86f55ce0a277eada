#include "bench/cli_runner.h"

#include "agent/images/subprocess.h"

namespace gureum::bench {

absl::StatusOr<std::string> CliRunner::Run(const std::vector<std::string>& args) const {
  // env(1) sets the CLI's environment without a shell: RunProcess passes ours.
  std::vector<std::string> argv{"/usr/bin/env",
                                "GUREUM_API_KEY=" + api_key_,
                                "GUREUM_ENDPOINT=",
                                "GUREUM_PROFILE=",
                                "GUREUM_PROJECT=",
                                "HOME=" + home_,
                                binary_,
                                "--endpoint",
                                endpoint_};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"-o", "json"});
  return agent::RunProcessChecked(argv, {.timeout = std::chrono::minutes(15)});
}

}  // namespace gureum::bench
