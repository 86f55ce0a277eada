// bench/launch: real VMs, Gureum against bare libvirt (docs/benchmarks-launch.md).
#include <CLI/CLI.hpp>

#include "bench/launch_bench.h"

int main(int argc, char** argv) {
  gureum::bench::LaunchBenchOptions o;
  o.controller_binary = std::string(GUREUM_BIN_DIR) + "/gureum-controller";
  o.agent_binary = std::string(GUREUM_BIN_DIR) + "/gureum-agent";
  o.cli_binary = std::string(GUREUM_BIN_DIR) + "/gureum";
  o.images_dir = std::string(GUREUM_BIN_DIR) + "/../images";
  CLI::App app{"gureum launch benchmark: real VMs against bare libvirt"};
  app.add_option("--launches", o.launches, "sequential launches of each kind (alternating)")
      ->capture_default_str();
  app.add_option("--concurrent", o.concurrent, "concurrent launches of each kind (0: skip)")
      ->capture_default_str();
  app.add_option("--rss-guests", o.rss_guests, "guests running while the agent's RSS is read")
      ->capture_default_str();
  app.add_option("--images-dir", o.images_dir, "tiny-vmlinuz and tiny-initrd.img")
      ->capture_default_str();
  app.add_option("--libvirt-uri", o.libvirt_uri)->capture_default_str();
  app.add_option("--subnet", o.subnet, "first three octets of the bench's libvirt network")
      ->capture_default_str();
  app.add_flag("!--network-update", o.dhcp_hosts_dir,
               "reserve addresses with libvirt's virNetworkUpdate instead of a dnsmasq "
               "hosts directory in the bench network");
  app.add_option("--instance-type", o.instance_type)->capture_default_str();
  app.add_option("--idle-settle-s", o.idle_settle_s, "wait before reading the idle agent's RSS")
      ->capture_default_str();
  app.add_option("--poll-ms", o.poll_ms, "console log polling interval")->capture_default_str();
  app.add_option("--controller-binary", o.controller_binary)->capture_default_str();
  app.add_option("--agent-binary", o.agent_binary)->capture_default_str();
  app.add_option("--cli-binary", o.cli_binary)->capture_default_str();
  app.add_option("--controller-arg", o.controller_args,
                 "extra argument for the controller (repeat)")
      ->allow_extra_args(false);
  app.add_option("--agent-arg", o.agent_args, "extra argument for the agent (repeat)")
      ->allow_extra_args(false);
  app.add_option("--work-dir", o.work_dir)->capture_default_str();
  app.add_option("--api-key", o.api_key, "ACCESS_KEY_ID:SECRET (default: bootstrap admin's)");
  app.add_option("--timeout-s", o.timeout_s, "per step")->capture_default_str();
  app.add_flag("--keep-work-dir", o.keep_work_dir, "keep the agent's files and the overlays");
  CLI11_PARSE(app, argc, argv);
  return gureum::bench::LaunchBench(o).Run();
}
