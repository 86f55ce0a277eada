#include "bench/placement_bench.h"

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "bench/bench_cluster.h"
#include "bench/latency_recorder.h"

namespace gureum::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Polls until no instance is in `state` (controller's view) or the deadline.
bool WaitNoneIn(ComputeClient& client, const std::string& state, Clock::time_point deadline) {
  while (Clock::now() < deadline) {
    int count = 0;
    if (client.CountInState(state, 1, &count).ok() && count == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

void PrintLatency(const char* what, const LatencyRecorder& latency) {
  std::cout << "  " << what << " latency: p50 " << latency.PercentileMs(50) << " ms, p99 "
            << latency.PercentileMs(99) << " ms, max " << latency.PercentileMs(100) << " ms ("
            << latency.count() << " requests)\n";
}

}  // namespace

int PlacementBench::Run() {
  BenchCluster cluster({.controller_binary = options_.controller_binary,
                        .controller = options_.controller,
                        .controller_args = options_.controller_args,
                        .work_dir = options_.work_dir,
                        .api_key = options_.api_key,
                        .hosts = options_.hosts,
                        .host_channels = options_.host_channels,
                        .simulator_workers = options_.simulator_workers,
                        .heartbeat_interval_ms = options_.heartbeat_interval_ms,
                        .client_channels = options_.clients});
  if (absl::Status s = cluster.Start(); !s.ok()) {
    std::cerr << "placement: " << s << "\n";
    return 1;
  }
  ComputeClient& client = cluster.client();
  HostSimulator& simulator = cluster.simulator();
  const std::string& image_id = cluster.image_id();

  // --- launch ---
  std::atomic<int> next{0};  // instances handed out so far
  std::atomic<int> request_number{0};
  std::atomic<int> failures{0};
  std::mutex ids_mutex;
  std::vector<std::string> ids;
  ids.reserve(options_.instances);
  LatencyRecorder batch_latency, single_latency;
  const double controller_cpu_before = cluster.ControllerCpuSeconds();
  const double own_cpu_before = ProcessCpuSeconds(getpid());
  auto launch_start = Clock::now();
  auto launch = [&](int c) {
    while (true) {
      int n = request_number.fetch_add(1);
      int want = (n % 2 == 0) ? options_.batch : 1;
      int first = next.fetch_add(want);
      if (first >= options_.instances) return;
      want = std::min(want, options_.instances - first);
      v1::RunInstancesRequest request;
      request.set_image_id(image_id);
      request.set_instance_type(options_.instance_type);
      request.set_min_count(want);
      request.set_max_count(want);
      v1::RunInstancesResponse response;
      auto t0 = Clock::now();
      grpc::Status status = client.Stub(c).RunInstances(client.Context().get(), request, &response);
      (want > 1 ? batch_latency : single_latency).Record(Clock::now() - t0);
      if (!status.ok()) {
        if (failures.fetch_add(1) < 5) {
          std::cerr << "placement: RunInstances: " << status.error_message() << "\n";
        }
        continue;
      }
      std::lock_guard lock(ids_mutex);
      for (const auto& instance : response.instances()) ids.push_back(instance.instance_id());
    }
  };
  std::vector<std::thread> threads;
  for (int c = 0; c < options_.clients; ++c) threads.emplace_back(launch, c);
  for (std::thread& t : threads) t.join();
  threads.clear();
  auto launched = Clock::now();
  const double launch_s = Seconds(launched - launch_start);
  const double controller_cpu_s = cluster.ControllerCpuSeconds() - controller_cpu_before;
  const double own_cpu_s = ProcessCpuSeconds(getpid()) - own_cpu_before;
  auto deadline = Clock::now() + std::chrono::seconds(options_.timeout_s);
  bool all_running = WaitNoneIn(client, "pending", deadline);
  auto running_at = Clock::now();
  while (simulator.Running() < static_cast<int64_t>(ids.size()) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto sim_running_at = Clock::now();

  std::cout << "launch: " << ids.size() << " instances on " << options_.hosts << " hosts by "
            << options_.clients << " clients (batches of " << options_.batch << " and 1), "
            << failures.load() << " failed requests\n"
            << "  placed: " << launch_s << " s, " << ids.size() / launch_s << " instances/s, "
            << 1e6 * launch_s / static_cast<double>(ids.size()) << " us per placement\n";
  // CPU time is steadier than wall time on a shared machine: it says what a
  // placement costs whatever else ran meanwhile.
  const double placed = static_cast<double>(ids.size());
  std::cout << "  CPU while placing: controller " << controller_cpu_s << " s ("
            << 1e6 * controller_cpu_s / placed << " us per placement), bench and simulated hosts "
            << own_cpu_s << " s (" << 1e6 * own_cpu_s / placed << " us per placement)\n";
  PrintLatency("RunInstances(batch)", batch_latency);
  PrintLatency("RunInstances(1)", single_latency);
  std::cout << "  all running (controller): "
            << (all_running ? std::to_string(Seconds(running_at - launch_start)) + " s"
                            : std::string("TIMEOUT"))
            << " after the first request; all running on the simulated hosts: "
            << Seconds(sim_running_at - launch_start) << " s\n";
  std::cout << "  controller RSS: " << cluster.ControllerRssMib() << " MiB\n";
  std::cout << "  simulator RSS: " << ProcessRssMib(getpid()) << " MiB\n";

  // --- terminate ---
  LatencyRecorder terminate_latency;
  std::atomic<size_t> cursor{0};
  std::atomic<int> terminate_failures{0};
  const size_t chunk = 100;
  auto terminate_start = Clock::now();
  auto terminate = [&](int c) {
    while (true) {
      size_t first = cursor.fetch_add(chunk);
      if (first >= ids.size()) return;
      v1::TerminateInstancesRequest request;
      for (size_t i = first; i < std::min(ids.size(), first + chunk); ++i) {
        request.add_instance_ids(ids[i]);
      }
      v1::InstanceStateChangeResponse response;
      auto t0 = Clock::now();
      grpc::Status status =
          client.Stub(c).TerminateInstances(client.Context().get(), request, &response);
      terminate_latency.Record(Clock::now() - t0);
      if (!status.ok() && terminate_failures.fetch_add(1) < 5) {
        std::cerr << "placement: TerminateInstances: " << status.error_message() << "\n";
      }
    }
  };
  for (int c = 0; c < options_.clients; ++c) threads.emplace_back(terminate, c);
  for (std::thread& t : threads) t.join();
  const double terminate_s = Seconds(Clock::now() - terminate_start);
  deadline = Clock::now() + std::chrono::seconds(options_.timeout_s);
  bool all_gone = WaitNoneIn(client, "shutting-down", deadline);
  auto gone_at = Clock::now();
  while (simulator.Running() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto sim_gone_at = Clock::now();
  std::cout << "terminate: " << ids.size() << " instances in requests of " << chunk << ", "
            << terminate_failures.load() << " failed requests\n"
            << "  accepted: " << terminate_s << " s, " << ids.size() / terminate_s
            << " instances/s\n";
  PrintLatency("TerminateInstances(100)", terminate_latency);
  std::cout << "  all terminated (controller): "
            << (all_gone ? std::to_string(Seconds(gone_at - terminate_start)) + " s"
                         : std::string("TIMEOUT"))
            << "; none left on the simulated hosts: " << Seconds(sim_gone_at - terminate_start)
            << " s\n";
  simulator.Stop();
  bool ok = all_running && all_gone && failures.load() == 0 && terminate_failures.load() == 0;
  return ok ? 0 : 2;
}

}  // namespace gureum::bench
