// bench/placement: placement throughput with simulated hosts (docs/benchmarks.md).
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "bench/placement_bench.h"

int main(int argc, char** argv) {
  gureum::bench::PlacementBenchOptions o;
  o.controller_binary = std::string(GUREUM_BIN_DIR) + "/gureum-controller";
  CLI::App app{"gureum placement benchmark"};
  app.add_option("--hosts", o.hosts, "simulated hosts")->capture_default_str();
  app.add_option("--instances", o.instances, "instances to launch")->capture_default_str();
  app.add_option("--clients", o.clients, "concurrent API clients")->capture_default_str();
  app.add_option("--batch", o.batch, "instances per batched RunInstances")->capture_default_str();
  app.add_option("--host-channels", o.host_channels, "connections the hosts share")
      ->capture_default_str();
  app.add_option("--simulator-workers", o.simulator_workers, "threads converging desired sets")
      ->capture_default_str();
  app.add_option("--heartbeat-interval-ms", o.heartbeat_interval_ms)->capture_default_str();
  app.add_option("--instance-type", o.instance_type)->capture_default_str();
  app.add_option("--controller-binary", o.controller_binary)->capture_default_str();
  app.add_option("--controller", o.controller, "use this running controller instead");
  app.add_option("--controller-arg", o.controller_args,
                 "extra argument for the controller the bench starts (repeat)")
      ->allow_extra_args(false);
  app.add_option("--work-dir", o.work_dir)->capture_default_str();
  app.add_option("--api-key", o.api_key, "sent as x-gureum-api-key (ACCESS_KEY_ID:SECRET)");
  app.add_option("--timeout-s", o.timeout_s)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);  // the fake hosts' sync logs every step
  return gureum::bench::PlacementBench(o).Run();
}
