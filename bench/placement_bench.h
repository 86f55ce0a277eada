// PlacementBench: launches `instances` instances through the public gRPC
// Compute API onto `hosts` simulated hosts from `clients` concurrent clients
// (alternating RunInstances of `batch` instances and of 1), reports placed/s,
// RunInstances latency and the time until all are running (as the controller
// sees them, and as the simulated hypervisors do); then terminates them all
// and reports the same. Prints the figures; not thread-safe.
#pragma once

#include <string>
#include <vector>

namespace gureum::bench {

struct PlacementBenchOptions {
  std::string controller_binary;  // started by the bench unless `controller` is set
  std::string controller;         // address of a running controller
  std::vector<std::string> controller_args;
  std::string work_dir = "/tmp/gureum-bench-placement";
  std::string api_key;
  int hosts = 100;
  int instances = 10000;
  int clients = 8;
  int batch = 10;
  int host_channels = 8;
  int simulator_workers = 2;
  int heartbeat_interval_ms = 2000;
  std::string instance_type = "g1.nano";
  int timeout_s = 1800;
};

class PlacementBench {
 public:
  explicit PlacementBench(PlacementBenchOptions options) : options_(std::move(options)) {}
  // Runs the whole benchmark; returns the process exit code.
  int Run();

 private:
  PlacementBenchOptions options_;
};

}  // namespace gureum::bench
