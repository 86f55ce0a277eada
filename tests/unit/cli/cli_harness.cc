#include "tests/unit/cli/cli_harness.h"

#include <sstream>

#include "cli/cli_app.h"

namespace gureum::cli::testing {

CliHarness::CliHarness() {
  grpc::ServerBuilder builder;
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
}

CliHarness::~CliHarness() { server_->Shutdown(); }

std::unique_ptr<v1::Compute::StubInterface> CliHarness::NewStub() {
  return v1::Compute::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
}

CliRun CliHarness::Run(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  CliEnvironment env;
  env.out = &out;
  env.err = &err;
  env.stdout_is_tty = stdout_is_tty;
  env.stderr_is_tty = stderr_is_tty;
  env.no_color = no_color;
  env.endpoint_from_env = endpoint_from_env;
  env.profile_from_env = profile_from_env;
  env.api_key_from_env = api_key_from_env;
  env.config_path = config_path;
  env.clock = &clock;
  env.sleeper = &sleeper;
  env.connect = [this](const std::string& endpoint, const std::string&) {
    endpoints_dialled.push_back(endpoint);
    return NewStub();
  };
  CliApp app(env);
  CliRun run;
  run.exit_code = app.Run(args);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace gureum::cli::testing
