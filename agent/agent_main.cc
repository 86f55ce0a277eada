// gureum-agent: the host agent. Wiring only: flags -> driver, sync, link;
// runs until SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <pthread.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "agent/controller_link.h"
#include "agent/driver_factory.h"
#include "agent/sync/desired_state_sync.h"
#include "agent/tls/agent_transport.h"
#include "common/clock.h"
#include "common/logging.h"

#ifndef GUREUM_AGENT_VERSION
#define GUREUM_AGENT_VERSION "dev"
#endif

namespace {

std::string LocalHostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gureum::agent;

  CLI::App app{"gureum-agent: runs Gureum instances on this host"};
  ControllerLinkOptions link;
  link.host_name = LocalHostName();
  link.agent_version = GUREUM_AGENT_VERSION;
  DriverOptions driver;
  std::string log_level = "info";
  int64_t resync_ms = 2000;
  int64_t stop_timeout_s = 60;
  int parallel_launches = 4;

  app.add_option("--controller", link.controller_address, "Controller address HOST:PORT")
      ->capture_default_str();
  app.add_option("--host-name", link.host_name, "Name this host registers with")
      ->capture_default_str();
  AgentTransportOptions transport;
  app.add_option("--ca-cert", transport.ca_cert,
                 "CA certificate (PEM) that verifies the controller (default: system roots)");
  app.add_option("--cert", transport.cert_file,
                 "This host's client certificate (PEM; default <data-dir>/tls/agent.crt)");
  app.add_option("--key", transport.key_file,
                 "Its private key (PEM; default <data-dir>/tls/agent.key)");
  app.add_option("--join-token", transport.join_token,
                 "One-time token (gureum create-join-token) to get a certificate when none is "
                 "on disk; ignored once one is");
  app.add_flag("--plaintext", transport.plaintext,
               "Talk to the controller without TLS (loopback --controller only)");
  app.add_option("--driver", driver.name, "Hypervisor driver: fake | libvirt")
      ->capture_default_str();
  app.add_option("--libvirt-uri", driver.libvirt_uri, "libvirt connection URI (driver libvirt)")
      ->capture_default_str();
  app.add_option("--virt-type", driver.virt_type,
                 "auto (kvm where it works, else qemu TCG) | kvm | qemu (driver libvirt)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "kvm", "qemu"}));
  app.add_option("--network", driver.network,
                 "libvirt network for NICs when the controller names none (driver libvirt)")
      ->capture_default_str();
  int64_t image_cache_ttl_s = driver.image_cache_ttl.count();
  app.add_option("--image-cache-ttl-s", image_cache_ttl_s,
                 "Delete a cached image no instance used for this long (driver libvirt)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--guest-firewall", driver.guest_firewall,
                 "Drop guests' traffic to this host except DHCP/DNS (nftables table inet "
                 "gureum_guard; driver libvirt)")
      ->capture_default_str();
  app.add_option("--availability-zone", link.availability_zone, "Availability zone of this host")
      ->capture_default_str();
  CLI::Option* vcpus = app.add_option("--vcpus", driver.fake_vcpus,
                                      "vCPUs offered (fake capacity; overrides a real driver's)")
                           ->capture_default_str();
  CLI::Option* memory = app.add_option("--memory-mib", driver.fake_memory_mib,
                                       "Memory offered in MiB (fake capacity; overrides)")
                            ->capture_default_str();
  CLI::Option* disk = app.add_option("--disk-gib", driver.fake_disk_gib,
                                     "Disk offered in GiB (fake capacity; overrides)")
                          ->capture_default_str();
  app.add_option("--fake-state-file", driver.fake_state_file,
                 "Keep fake guests in this JSON file across agent restarts");
  app.add_option("--fake-start-pause-ms", driver.fake_start_pause_ms,
                 "Driver fake: hold each starting guest paused this long (for chaos tests)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--fake-connection-reset-rate", driver.fake_connection_reset_rate,
                 "Driver fake: fail this fraction of hypervisor calls with a lost connection "
                 "(for chaos tests)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fake-fault-seed", driver.fake_fault_seed,
                 "Driver fake: seed of the injected faults");
  app.add_option("--data-dir", driver.data_dir, "Agent data directory")->capture_default_str();
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error")->capture_default_str();
  app.add_option("--resync-interval-ms", resync_ms, "Converge at least this often")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--stop-timeout-s", stop_timeout_s,
                 "Power off a guest that ignores shutdown (or reboot: reset) "
                 "for this long")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--parallel-launches", parallel_launches,
                 "Define and start at most this many guests at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);

  gureum::InitLogging("agent", log_level);
  // A peer that closes its end (libvirtd killed mid-call, a helper process
  // that exits) must fail that one write with EPIPE, not end the agent:
  // libvirt's client writes to its socket without MSG_NOSIGNAL.
  std::signal(SIGPIPE, SIG_IGN);
  transport.controller_address = link.controller_address;
  transport.host_name = link.host_name;
  if (transport.cert_file.empty()) transport.cert_file = driver.data_dir + "/tls/agent.crt";
  if (transport.key_file.empty()) transport.key_file = driver.data_dir + "/tls/agent.key";
  if (const char* token = std::getenv("GUREUM_JOIN_TOKEN");
      transport.join_token.empty() && token != nullptr) {
    transport.join_token = token;
  }
  absl::StatusOr<AgentChannel> channel = AgentTransport::Prepare(transport);
  if (!channel.ok()) {
    std::fprintf(stderr, "gureum-agent: %s\n", std::string(channel.status().message()).c_str());
    return absl::IsInvalidArgument(channel.status()) ? 2 : 1;
  }
  link.controller_address = channel->target;
  link.credentials = channel->credentials;
  driver.controller_credentials = channel->credentials;
  driver.host_name = link.host_name;
  // Flags given explicitly override what a real driver reports.
  if (vcpus->count() > 0) link.vcpus = driver.fake_vcpus;
  if (memory->count() > 0) link.memory_mib = driver.fake_memory_mib;
  if (disk->count() > 0) link.disk_gib = driver.fake_disk_gib;
  link.resync_interval = std::chrono::milliseconds(resync_ms);
  driver.image_cache_ttl = std::chrono::seconds(image_cache_ttl_s);
  driver.controller_address = link.controller_address;
  driver.reboot_timeout = std::chrono::seconds(stop_timeout_s);

  // Block the stop signals before any thread starts so only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  gureum::SystemClock clock;
  absl::StatusOr<AgentBackend> backend = MakeAgentBackend(driver, clock);
  if (!backend.ok()) {
    spdlog::critical("cannot start driver: {}", backend.status().ToString());
    return 1;
  }
  DesiredStateSync sync(*backend->driver, *backend->artifacts, clock,
                        DesiredStateSyncOptions{
                            .stop_timeout = std::chrono::seconds(stop_timeout_s),
                            .prepare_in_background = backend->slow_prepare,
                            .parallel_launches = parallel_launches,
                        });
  link.cached_blobs = backend->cached_blobs;
  ControllerLink controller_link(link, *backend->driver, sync);
  // A finished background Prepare is defined and started at once.
  sync.SetPreparedCallback([&controller_link] { controller_link.Nudge(); });
  spdlog::info("gureum-agent {} on {} (driver {}) -> {}", link.agent_version, link.host_name,
               driver.name, link.controller_address);
  controller_link.Start();
  // A guest that powers off or crashes is reported at once, not at the next resync.
  backend->watch_guests([&controller_link] { controller_link.Nudge(); });

  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("signal {}: stopping", signal);
  backend->watch_guests(nullptr);
  sync.SetPreparedCallback(nullptr);
  controller_link.Stop();
  return 0;
}
