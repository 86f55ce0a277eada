// ServerProcess: a gureum-controller or gureum-gateway the benchmark starts
// itself on 127.0.0.1 (port chosen by the kernel), or a gureum-agent (no
// port), with a configurable command line so that flags the benchmark does
// not know about (--plaintext, TLS, API key bootstrap) can be passed through.
// Stopped (SIGTERM, then SIGKILL) when destroyed. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

namespace gureum::bench {

class ServerProcess {
 public:
  // Starts `binary args... --port-file <dir>/<name>.port` (output in
  // <dir>/<name>.log) and waits until it has written its port.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(const std::string& binary,
                                                              const std::string& dir,
                                                              const std::string& name,
                                                              const std::vector<std::string>& args);
  // Starts `binary args...` (output in <dir>/<name>.log) without waiting for
  // anything: for a process that listens on no port (the agent).
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Spawn(const std::string& binary,
                                                              const std::string& dir,
                                                              const std::string& name,
                                                              const std::vector<std::string>& args);
  ~ServerProcess();

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Whether it has not exited (reaps it if it has).
  bool Running();
  pid_t pid() const { return pid_; }
  // Resident set size in MiB (VmRSS), or -1.
  double RssMib() const;
  // CPU time used so far (user + system) in seconds, or -1.
  double CpuSeconds() const;

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  int port_ = 0;
};

// VmRSS of a process in MiB (-1 if unreadable).
double ProcessRssMib(pid_t pid);
// User + system CPU time of a process in seconds (-1 if unreadable).
double ProcessCpuSeconds(pid_t pid);

}  // namespace gureum::bench
