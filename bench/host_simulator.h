// HostSimulator: many fake hosts in one process, so one machine can stand in
// for 1,000 or 10,000 hosts. Each host is a SimulatedHost (its own name and
// Connect stream); the streams share a handful of channels (HTTP/2
// connections). Desired sets are converged by a small pool of workers, and
// one thread sends every host's heartbeat at the interval. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/simulated_host.h"
#include "common/clock.h"

namespace gureum::bench {

struct HostSimulatorOptions {
  std::string controller_address;
  int hosts = 100;
  std::string name_prefix = "sim-";
  int channels = 8;
  int workers = 2;
  std::chrono::milliseconds heartbeat_interval{5000};
  SimulatedHostOptions host;  // template; host_name is set per host
};

class HostSimulator {
 public:
  explicit HostSimulator(HostSimulatorOptions options);
  ~HostSimulator();  // Stop()s

  // Connects every host; returns at once.
  void Start();
  // Waits until every host has been welcomed; false on timeout.
  bool WaitWelcomed(std::chrono::milliseconds timeout);
  // Instances running on all fake hypervisors together.
  int64_t Running() const;
  // Cancels every stream and joins the threads. Idempotent.
  void Stop();

 private:
  void ScheduleConverge(SimulatedHost* host);
  void WorkerLoop();
  void HeartbeatLoop();

  const HostSimulatorOptions options_;
  SystemClock clock_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<agent::v1::AgentController::Stub>> stubs_;
  std::vector<std::unique_ptr<SimulatedHost>> hosts_;

  std::mutex mutex_;
  // Workers wait on work_cv_, the heartbeat thread on heartbeat_cv_: with one
  // variable for both, a notify_one for queued work could wake the heartbeat
  // thread instead of a worker, and the host then waited for the next
  // notification (a lost wakeup that left instances pending for 20 s).
  std::condition_variable work_cv_;
  std::condition_variable heartbeat_cv_;
  std::deque<SimulatedHost*> queue_;  // guarded by mutex_
  std::set<SimulatedHost*> queued_;   // guarded by mutex_: each host at most once
  bool stopping_ = false;             // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace gureum::bench
