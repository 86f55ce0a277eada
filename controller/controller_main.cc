// gureum-controller: parses flags and runs ControllerServer.
#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "common/key_values.h"
#include "common/logging.h"
#include "common/malloc_arenas.h"
#include "common/port_file.h"
#include "controller/controller_server.h"
#include "controller/security/server_credentials_factory.h"
#include "controller/store/store.h"

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

}  // namespace

int main(int argc, char** argv) {
  // A client that goes away mid-reply fails that write (EPIPE); it must not
  // end the server.
  std::signal(SIGPIPE, SIG_IGN);

  using namespace gureum;
  LimitMallocArenas();
  controller::ControllerOptions options;
  std::string port_file;
  std::string log_level = "info";
  int64_t retention_s = 3600;
  int64_t heartbeat_ms = 2000;

  CLI::App app{"gureum-controller: the Gureum control plane (gRPC API, scheduler, SQLite state)"};
  app.add_option("--listen", options.listen, "address:port to serve on (port 0 = pick one)")
      ->capture_default_str();
  app.add_option("--tls-cert", options.tls.cert_file,
                 "serve TLS with this certificate chain (PEM)");
  app.add_option("--tls-key", options.tls.key_file, "the private key of --tls-cert (PEM)");
  app.add_option("--client-ca", options.tls.client_ca_file,
                 "CA certificate (PEM) whose certificates identify agents (mTLS); client "
                 "certificates are verified when presented, not required of API users");
  app.add_option("--agent-ca-key", options.agent_ca_key_file,
                 "private key of the --client-ca certificate: lets Join issue agent certificates");
  app.add_option("--agent-cert-days", options.agent_cert_days,
                 "validity of agent certificates issued by Join")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--plaintext", options.tls.plaintext,
               "serve without TLS; allowed only on a loopback --listen address");
  app.add_option("--data-dir", options.data_dir, "directory for the database and image blobs")
      ->capture_default_str();
  app.add_option("--database", options.database, "SQLite file (default <data-dir>/gureum.db)");
  app.add_option("--bootstrap-credentials-file", options.bootstrap_credentials_file,
                 "where the first start writes the bootstrap admin's API key, mode 0600 "
                 "(default <data-dir>/admin-credentials)");
  app.add_option("--port-file", port_file, "write the bound port here once serving");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error")->capture_default_str();
  app.add_option("--terminated-retention-s", retention_s,
                 "how long terminated instances stay visible")
      ->capture_default_str();
  app.add_option("--heartbeat-interval-ms", heartbeat_ms, "agent heartbeat interval")
      ->capture_default_str();
  int64_t heartbeat_ttl_ms = 10000;
  app.add_option("--heartbeat-ttl-ms", heartbeat_ttl_ms,
                 "a host with no heartbeat for this long is unreachable")
      ->capture_default_str();
  int64_t pending_timeout_s = 900;
  app.add_option("--pending-timeout-s", pending_timeout_s,
                 "an instance pending this long on a reachable host is failed")
      ->capture_default_str();
  int64_t transition_timeout_s = 600;
  app.add_option("--transition-timeout-s", transition_timeout_s,
                 "an instance stopping or shutting down this long is retried")
      ->capture_default_str();
  int64_t janitor_interval_ms = 30000;
  app.add_option("--janitor-interval-ms", janitor_interval_ms,
                 "how often purges and the instance reconciler run")
      ->capture_default_str();
  app.add_option("--max-inflight-requests", options.max_inflight_requests,
                 "API calls served at once; more are refused with RequestLimitExceeded")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  int64_t startup_grace_ms = 0;
  app.add_option("--startup-grace-ms", startup_grace_ms,
                 "after start, hosts keep their last state this long (0 = the TTL)")
      ->capture_default_str();
  app.add_option("--network", options.network.name, "libvirt network instances attach to")
      ->capture_default_str();
  app.add_option("--network-cidr", options.network.cidr, "the network's IPv4 prefix (IPAM pool)")
      ->capture_default_str();
  app.add_option("--network-reserved", options.network.reserved,
                 "host addresses kept out of the pool after the gateway")
      ->capture_default_str();
  app.add_option("--cpu-allocation-ratio", options.scheduler.ratios.cpu,
                 "vCPU overcommit: hosts take up to this many vCPUs per core")
      ->capture_default_str();
  app.add_option("--ram-allocation-ratio", options.scheduler.ratios.ram, "memory overcommit")
      ->capture_default_str();
  app.add_option("--disk-allocation-ratio", options.scheduler.ratios.disk, "disk overcommit")
      ->capture_default_str();
  std::vector<std::string> weighers;
  app.add_option("--weigher", weighers,
                 "NAME=MULTIPLIER, repeatable: free-memory (1; negative packs), image-cached (1), "
                 "building (1), cluster-affinity (10)");
  std::vector<std::string> quotas;
  app.add_option("--default-quota", quotas,
                 "RESOURCE=LIMIT, repeatable: limits of projects an admin has not set "
                 "(instances 100, vcpus 400, memory-mib 1048576, disk-gib 20480; -1 = unlimited)");
  std::string backup_file;
  auto* backup = app.add_subcommand("backup", "online backup of the database to FILE and exit");
  backup->add_option("file", backup_file, "destination file")->required();
  CLI11_PARSE(app, argc, argv);

  InitLogging("controller", log_level);
  auto multipliers = ParseKeyValues(weighers, "--weigher");
  auto quota_limits = ParseKeyValues(quotas, "--default-quota");
  for (const auto* parsed : {&multipliers, &quota_limits}) {
    if (!parsed->ok()) {
      std::cerr << "gureum-controller: " << parsed->status().message() << "\n";
      return 2;
    }
  }
  options.scheduler.multipliers = *multipliers;
  for (const auto& [resource, limit] : *quota_limits) {
    if (!controller::QuotaPolicy::IsResource(resource) || limit < -1) {
      std::cerr << "gureum-controller: --default-quota " << resource
                << ": unknown resource or limit below -1\n";
      return 2;
    }
    controller::QuotaPolicy::Set(options.default_quotas, resource, static_cast<int64_t>(limit));
  }
  options.terminated_retention = std::chrono::seconds(retention_s);
  options.heartbeat_interval = std::chrono::milliseconds(heartbeat_ms);
  options.heartbeat_ttl = std::chrono::milliseconds(heartbeat_ttl_ms);
  options.startup_grace = std::chrono::milliseconds(startup_grace_ms);
  options.pending_timeout = std::chrono::seconds(pending_timeout_s);
  options.transition_timeout = std::chrono::seconds(transition_timeout_s);
  options.janitor_interval = std::chrono::milliseconds(janitor_interval_ms);
  if (heartbeat_ttl_ms <= heartbeat_ms) {
    std::cerr << "gureum-controller: --heartbeat-ttl-ms must be longer than "
                 "--heartbeat-interval-ms\n";
    return 2;
  }
  if (options.database.empty()) options.database = options.data_dir + "/gureum.db";

  if (*backup) {
    auto store = controller::Store::Open(options.database);
    if (!store.ok()) {
      std::cerr << "gureum-controller: " << store.status().message() << "\n";
      return 1;
    }
    if (auto s = (*store)->Backup(backup_file); !s.ok()) {
      std::cerr << "gureum-controller: " << s.message() << "\n";
      return 1;
    }
    std::cout << "backed up " << options.database << " to " << backup_file << "\n";
    return 0;
  }

  if (auto s = controller::ServerCredentialsFactory::Validate(options.listen, options.tls);
      !s.ok()) {
    std::cerr << "gureum-controller: " << s.message() << "\n";
    return 2;
  }
  SystemClock clock;
  IdGenerator ids;
  controller::ControllerServer server(options, clock, ids);
  auto port = server.Start();
  if (!port.ok()) {
    spdlog::critical("cannot start: {}", port.status().ToString());
    return 1;
  }
  if (!port_file.empty()) {
    if (absl::Status written = WritePortFile(port_file, *port); !written.ok()) {
      spdlog::critical("cannot write the port file: {}", written.ToString());
      server.Shutdown();
      return 1;
    }
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::thread waiter([&] { server.Wait(); });
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  spdlog::info("shutting down");
  server.Shutdown();
  waiter.join();
  return 0;
}
