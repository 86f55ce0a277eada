#include "bench/api_bench.h"

#include <httplib.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include "bench/bench_cluster.h"
#include "bench/client_arena.h"
#include "bench/load_runner.h"
#include "bench/server_process.h"

namespace gureum::bench {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

int ApiBench::Run() {
  BenchClusterOptions cluster_options;
  cluster_options.controller_binary = options_.controller_binary;
  cluster_options.controller_args = options_.controller_args;
  cluster_options.work_dir = options_.work_dir;
  cluster_options.api_key = options_.api_key;
  cluster_options.hosts = options_.hosts;
  cluster_options.client_channels = std::max(options_.clients, 4);
  BenchCluster cluster(cluster_options);
  if (absl::Status s = cluster.Start(); !s.ok()) {
    std::cerr << "api: " << s << "\n";
    return 1;
  }
  ComputeClient& client = cluster.client();

  // Fill the store: batches of 100 from 4 clients.
  std::atomic<int> next{0};
  std::mutex ids_mutex;
  std::vector<std::string> ids;
  std::atomic<int> failures{0};
  auto fill_start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < 4; ++c) {
    threads.emplace_back([&, c] {
      while (true) {
        int first = next.fetch_add(100);
        if (first >= options_.instances) return;
        int want = std::min(100, options_.instances - first);
        v1::RunInstancesRequest request;
        request.set_image_id(cluster.image_id());
        request.set_instance_type("g1.nano");
        request.set_min_count(want);
        request.set_max_count(want);
        v1::RunInstancesResponse response;
        grpc::Status status =
            client.Stub(c).RunInstances(client.Context().get(), request, &response);
        if (!status.ok()) {
          if (failures.fetch_add(1) < 5) std::cerr << "api: " << status.error_message() << "\n";
          continue;
        }
        std::lock_guard lock(ids_mutex);
        for (const auto& i : response.instances()) ids.push_back(i.instance_id());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  auto deadline = Clock::now() + std::chrono::seconds(options_.timeout_s);
  while (Clock::now() < deadline) {
    int pending = 1;
    if (client.CountInState("pending", 1, &pending).ok() && pending == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::cout << "api: " << ids.size() << " instances on " << options_.hosts
            << " hosts, running after "
            << std::chrono::duration<double>(Clock::now() - fill_start).count()
            << " s; controller RSS " << cluster.ControllerRssMib() << " MiB\n";
  if (ids.empty()) return 1;

  const auto duration = std::chrono::seconds(options_.duration_s);
  auto pick = [&](int64_t n) -> const std::string& {
    return ids[static_cast<size_t>(n * 7919) % ids.size()];
  };
  // RunLoad, then the CPU a request cost the controller, the gateway (if
  // any) and this process (its clients and the simulated hosts): on a shared
  // 2-core VM these vary less between runs than the latencies do.
  const ServerProcess* gateway_process = nullptr;
  auto load = [&](const std::string& name, const std::function<bool(int, int64_t)>& request) {
    const double controller_before = cluster.ControllerCpuSeconds();
    const double gateway_before = gateway_process ? gateway_process->CpuSeconds() : 0;
    const double own_before = ProcessCpuSeconds(getpid());
    const LoadResult result = RunLoad(name, options_.clients, duration, request);
    const double per_request = 1e6 / static_cast<double>(std::max<int64_t>(result.requests, 1));
    std::cout << "    CPU per request: controller "
              << per_request * (cluster.ControllerCpuSeconds() - controller_before) << " us";
    if (gateway_process) {
      std::cout << ", gateway " << per_request * (gateway_process->CpuSeconds() - gateway_before)
                << " us";
    }
    std::cout << ", bench " << per_request * (ProcessCpuSeconds(getpid()) - own_before) << " us\n";
  };
  std::cout << "gRPC DescribeInstances:\n";
  load("page of 100", [&](int c, int64_t) {
    v1::DescribeInstancesRequest request;
    request.set_max_results(100);
    ClientArena arena;
    auto* response = arena.New<v1::DescribeInstancesResponse>();
    return client.Stub(c).DescribeInstances(client.Context().get(), request, response).ok() &&
           response->instances_size() == 100;
  });
  load("by id", [&](int c, int64_t n) {
    v1::DescribeInstancesRequest request;
    request.add_instance_ids(pick(n));
    ClientArena arena;
    auto* response = arena.New<v1::DescribeInstancesResponse>();
    return client.Stub(c).DescribeInstances(client.Context().get(), request, response).ok() &&
           response->instances_size() == 1;
  });
  load("filter instance-state-name=running, page of 100", [&](int c, int64_t) {
    v1::DescribeInstancesRequest request;
    v1::Filter* filter = request.add_filters();
    filter->set_name("instance-state-name");
    filter->add_values("running");
    request.set_max_results(100);
    ClientArena arena;
    auto* response = arena.New<v1::DescribeInstancesResponse>();
    return client.Stub(c).DescribeInstances(client.Context().get(), request, response).ok() &&
           response->instances_size() == 100;
  });

  if (options_.gateway_binary.empty()) return failures.load() == 0 ? 0 : 2;
  std::vector<std::string> args{"--listen",        "127.0.0.1:0", "--plaintext", "--controller",
                                cluster.address(), "--log-level", "warn"};
  args.insert(args.end(), options_.gateway_args.begin(), options_.gateway_args.end());
  auto gateway = ServerProcess::Start(options_.gateway_binary, options_.work_dir, "gateway", args);
  if (!gateway.ok()) {
    std::cerr << "api: " << gateway.status() << "\n";
    return 1;
  }
  gateway_process = gateway->get();
  const int port = std::stoi((*gateway)->address().substr((*gateway)->address().rfind(':') + 1));
  std::vector<std::unique_ptr<httplib::Client>> http;
  for (int c = 0; c < options_.clients; ++c) {
    http.push_back(std::make_unique<httplib::Client>("127.0.0.1", port));
    http.back()->set_keep_alive(true);
    http.back()->set_tcp_nodelay(true);
    if (!cluster.api_key().empty()) {
      http.back()->set_default_headers({{"X-Gureum-Api-Key", cluster.api_key()}});
    }
  }
  auto get = [&](int c, const std::string& path) {
    auto res = http[c]->Get(path);
    return res && res->status == 200;
  };
  std::cout << "REST (gureum-gateway) GET /v1/instances:\n";
  load("page of 100", [&](int c, int64_t) { return get(c, "/v1/instances?max_results=100"); });
  load("by id", [&](int c, int64_t n) { return get(c, "/v1/instances/" + pick(n)); });
  load("filter instance-state-name=running, page of 100", [&](int c, int64_t) {
    return get(c, "/v1/instances?max_results=100&filter[instance-state-name]=running");
  });
  std::cout << "  gateway RSS " << (*gateway)->RssMib() << " MiB\n";
  return failures.load() == 0 ? 0 : 2;
}

}  // namespace gureum::bench
