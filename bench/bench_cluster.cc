#include "bench/bench_cluster.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

namespace gureum::bench {

BenchCluster::~BenchCluster() {
  if (simulator_) simulator_->Stop();
}

absl::Status BenchCluster::Start() {
  std::filesystem::remove_all(options_.work_dir);
  std::filesystem::create_directories(options_.work_dir);
  address_ = options_.controller;
  if (address_.empty()) {
    std::vector<std::string> args{"--listen",
                                  "127.0.0.1:0",
                                  "--plaintext",
                                  "--data-dir",
                                  options_.work_dir + "/controller",
                                  "--log-level",
                                  "warn",
                                  "--heartbeat-interval-ms",
                                  std::to_string(options_.heartbeat_interval_ms),
                                  "--network-cidr",
                                  options_.network_cidr,
                                  "--default-quota",
                                  "instances=-1",
                                  "--default-quota",
                                  "vcpus=-1",
                                  "--default-quota",
                                  "memory-mib=-1",
                                  "--default-quota",
                                  "disk-gib=-1"};
    args.insert(args.end(), options_.controller_args.begin(), options_.controller_args.end());
    auto started =
        ServerProcess::Start(options_.controller_binary, options_.work_dir, "controller", args);
    if (!started.ok()) return started.status();
    controller_ = std::move(*started);
    address_ = controller_->address();
    if (options_.api_key.empty()) {
      std::ifstream credentials(options_.work_dir + "/controller/admin-credentials");
      for (std::string line; std::getline(credentials, line);) {
        if (line.rfind("GUREUM_API_KEY=", 0) == 0) options_.api_key = line.substr(15);
      }
    }
  }
  client_ = std::make_unique<ComputeClient>(address_, options_.api_key, options_.client_channels);
  const std::string image_path = options_.work_dir + "/bench.raw";
  std::ofstream(image_path) << std::string(1 << 20, 'Z');
  if (auto s = client_->ImportImage("bench", image_path, &image_id_); !s.ok()) {
    return absl::UnavailableError("ImportImage: " + s.error_message());
  }
  if (options_.hosts == 0) return absl::OkStatus();

  HostSimulatorOptions sim;
  sim.controller_address = address_;
  sim.hosts = options_.hosts;
  sim.channels = options_.host_channels;
  sim.workers = options_.simulator_workers;
  sim.heartbeat_interval = std::chrono::milliseconds(options_.heartbeat_interval_ms);
  sim.host.api_key = options_.api_key;
  simulator_ = std::make_unique<HostSimulator>(sim);
  auto start = std::chrono::steady_clock::now();
  simulator_->Start();
  if (!simulator_->WaitWelcomed(std::chrono::seconds(300))) {
    return absl::DeadlineExceededError("not every simulated host was welcomed");
  }
  std::cout << "cluster: " << options_.hosts << " simulated hosts registered in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s; controller RSS " << ControllerRssMib() << " MiB\n";
  return absl::OkStatus();
}

}  // namespace gureum::bench
