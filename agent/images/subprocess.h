// RunProcess: runs a program with posix_spawn (no shell, so arguments that come
// from users are never interpreted) and captures its stdout and stderr.
// Thread-safe: the pipes are close-on-exec, so concurrent calls never leak
// descriptors into each other's children.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

namespace gureum::agent {

struct ProcessOptions {
  // Zero means no limit. On expiry the child is killed (SIGKILL) and
  // RunProcess returns DeadlineExceeded.
  std::chrono::milliseconds timeout{0};
  // Output beyond this many bytes per stream is read and dropped, so a chatty
  // tool cannot exhaust the agent's memory.
  size_t max_output_bytes = 1 << 20;
};

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal if killed by a signal
  std::string stdout_data;
  std::string stderr_data;
};

// Runs argv[0] (looked up in PATH when it has no slash) with stdin on
// /dev/null. Fails only if the program could not be started or timed out; a
// non-zero exit is reported in the result.
absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const ProcessOptions& options = {});

// Like RunProcess, but a non-zero exit is an Internal error that names the
// program, its exit code and the tail of its stderr. Returns stdout.
absl::StatusOr<std::string> RunProcessChecked(const std::vector<std::string>& argv,
                                              const ProcessOptions& options = {});

}  // namespace gureum::agent
