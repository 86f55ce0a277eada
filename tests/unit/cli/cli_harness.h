// Runs whole `gureum` command lines in-process against a FakeComputeService served
// over an in-process gRPC channel, with a ManualClock that the sleeper advances
// instead of sleeping. Not thread-safe; one per test.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "cli/cli_environment.h"
#include "cli/wait/sleeper.h"
#include "common/clock.h"
#include "tests/unit/cli/fake_compute_service.h"

namespace gureum::cli::testing {

// Moves a ManualClock forward by each requested sleep and remembers them.
class ManualSleeper final : public Sleeper {
 public:
  explicit ManualSleeper(ManualClock& clock) : clock_(clock) {}
  void SleepFor(std::chrono::milliseconds duration) override {
    slept.push_back(duration);
    clock_.Advance(duration);
  }
  std::vector<std::chrono::milliseconds> slept;

 private:
  ManualClock& clock_;
};

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliHarness {
 public:
  CliHarness();
  ~CliHarness();

  FakeComputeService& service() { return service_; }
  // A stub on the in-process channel to the fake.
  std::unique_ptr<v1::Compute::StubInterface> NewStub();

  // `args` without the program name.
  CliRun Run(const std::vector<std::string>& args);

  // The process as the next Run() sees it.
  bool stdout_is_tty = false;
  bool stderr_is_tty = false;
  bool no_color = false;
  std::optional<std::string> endpoint_from_env;
  std::optional<std::string> profile_from_env;
  std::optional<std::string> api_key_from_env;
  std::optional<std::string> config_path;  // none by default: tests never read ~

  // Every endpoint the CLI asked to connect to.
  std::vector<std::string> endpoints_dialled;
  ManualClock clock;
  ManualSleeper sleeper{clock};

 private:
  FakeComputeService service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace gureum::cli::testing
