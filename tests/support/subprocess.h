// Subprocess: a child process for tests (posix_spawn, no shell), with its
// stdout and stderr captured to files. Destroying it kills what is still
// running, so a failed test never leaves processes behind. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gureum::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class Subprocess {
 public:
  // Starts argv[0] (a path) with the environment plus `env`; output goes to
  // `log_prefix`.out / .err.
  Subprocess(std::vector<std::string> argv, std::string log_prefix,
             std::map<std::string, std::string> env = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  void Signal(int sig);
  // Waits for exit; returns the exit code (128+signal if killed), or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL after a grace period.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string log_prefix_;
};

// Runs a command to completion (with a timeout) and returns its output.
RunResult Run(const std::vector<std::string>& argv,
              std::chrono::milliseconds timeout = std::chrono::seconds(60),
              const std::map<std::string, std::string>& env = {},
              const std::string& stdin_data = "");

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

// Polls `condition` every `interval` until it is true or `timeout` passes.
template <typename Fn>
bool Eventually(Fn&& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds(100));

}  // namespace gureum::testing

#include <thread>

namespace gureum::testing {
template <typename Fn>
bool Eventually(Fn&& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}
}  // namespace gureum::testing
