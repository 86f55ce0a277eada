// BenchCluster: what every benchmark with simulated hosts starts: a
// gureum-controller (or a running one at `controller`), a small raw image
// imported into it, and the HostSimulator's hosts, all registered. The
// controller gets unlimited default quotas and a /12 address pool so that
// 100,000 instances fit. With hosts = 0 no simulator starts (the caller
// brings real agents). Not thread-safe; client() is.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <absl/status/status.h>

#include "bench/compute_client.h"
#include "bench/host_simulator.h"
#include "bench/server_process.h"

namespace gureum::bench {

struct BenchClusterOptions {
  std::string controller_binary;
  std::string controller;  // address of a running controller; empty = start one
  std::vector<std::string> controller_args;
  std::string work_dir;
  std::string api_key;
  std::string network_cidr = "10.0.0.0/12";  // the controller's address pool
  int hosts = 100;                           // simulated hosts; 0 = none
  int host_channels = 8;
  int simulator_workers = 2;
  int heartbeat_interval_ms = 2000;
  int client_channels = 8;
};

class BenchCluster {
 public:
  explicit BenchCluster(BenchClusterOptions options) : options_(std::move(options)) {}
  ~BenchCluster();

  absl::Status Start();

  const std::string& address() const { return address_; }
  // The key the clients use: --api-key, else the bootstrap admin's key of the
  // controller this cluster started.
  const std::string& api_key() const { return options_.api_key; }
  const std::string& image_id() const { return image_id_; }
  ComputeClient& client() { return *client_; }
  // Requires hosts > 0.
  HostSimulator& simulator() { return *simulator_; }
  // The controller's RSS in MiB; -1 for a controller the bench did not start.
  double ControllerRssMib() const { return controller_ ? controller_->RssMib() : -1; }
  // The controller's CPU time so far in seconds; -1 for one it did not start.
  double ControllerCpuSeconds() const { return controller_ ? controller_->CpuSeconds() : -1; }

 private:
  BenchClusterOptions options_;
  std::unique_ptr<ServerProcess> controller_;
  std::string address_;
  std::string image_id_;
  std::unique_ptr<ComputeClient> client_;
  std::unique_ptr<HostSimulator> simulator_;
};

}  // namespace gureum::bench
