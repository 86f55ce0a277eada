// bench/api: DescribeInstances latency over gRPC and REST (docs/benchmarks.md).
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "bench/api_bench.h"

int main(int argc, char** argv) {
  gureum::bench::ApiBenchOptions o;
  o.controller_binary = std::string(GUREUM_BIN_DIR) + "/gureum-controller";
  o.gateway_binary = std::string(GUREUM_BIN_DIR) + "/gureum-gateway";
  CLI::App app{"gureum API benchmark"};
  app.add_option("--hosts", o.hosts, "simulated hosts")->capture_default_str();
  app.add_option("--instances", o.instances, "instances in the store")->capture_default_str();
  app.add_option("--clients", o.clients, "concurrent clients")->capture_default_str();
  app.add_option("--duration-s", o.duration_s, "seconds per measurement")->capture_default_str();
  app.add_option("--controller-binary", o.controller_binary)->capture_default_str();
  app.add_option("--gateway-binary", o.gateway_binary, "empty: skip the REST half")
      ->capture_default_str();
  app.add_option("--controller-arg", o.controller_args, "extra controller argument (repeat)")
      ->allow_extra_args(false);
  app.add_option("--gateway-arg", o.gateway_args, "extra gateway argument (repeat)")
      ->allow_extra_args(false);
  app.add_option("--work-dir", o.work_dir)->capture_default_str();
  app.add_option("--api-key", o.api_key, "sent as x-gureum-api-key / X-Gureum-Api-Key");
  app.add_option("--timeout-s", o.timeout_s)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);  // the fake hosts' sync logs every step
  return gureum::bench::ApiBench(o).Run();
}
