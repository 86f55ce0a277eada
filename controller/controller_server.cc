#include "controller/controller_server.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "common/durable_file.h"
#include "common/tls/pem_files.h"
#include "controller/agents/agent_controller_service.h"
#include "controller/agents/agent_registry.h"
#include "controller/api/compute_service.h"
#include "controller/core/instance_reconciler.h"
#include "controller/core/janitor.h"
#include "controller/security/agent_certificate_authority.h"
#include "controller/security/join_token_service.h"

namespace gureum::controller {

struct ControllerServer::Parts {
  Parts(std::unique_ptr<Store> s, const ControllerOptions& o, const Clock& clock, IdGenerator& ids,
        IpAllocator ip_allocator, std::unique_ptr<Scheduler> chosen_scheduler,
        std::unique_ptr<AgentCertificateAuthority> agent_ca)
      : store(std::move(s)),
        authority(std::move(agent_ca)),
        ips(std::move(ip_allocator)),
        blobs(o.data_dir + "/images"),
        registry(ids),
        core{*store, clock, ids, registry, events},
        scheduler(std::move(chosen_scheduler)),
        quota_policy(o.default_quotas),
        launcher(core, *scheduler, ips, quota_policy, image_index, host_records),
        power(core),
        queries(core),
        images(core, blobs),
        key_pairs(core),
        instance_types(core),
        hosts(core, image_index, host_records, scheduler->ratios()),
        placement_groups(core),
        quotas(core, quota_policy),
        identity(core),
        access_keys(core),
        audit(core),
        authenticator(*store, clock),
        reports(core),
        desired(*store, ips.network()),
        janitor(core, JanitorOptions{o.terminated_retention, std::chrono::hours(48)}),
        reconciler(core, ReconcilerOptions{o.pending_timeout, o.transition_timeout}),
        joins(core, authority.get()),
        compute(ComputeCore{core, launcher, power, queries, images, key_pairs, instance_types,
                            hosts, registry, placement_groups, quotas, identity, access_keys, audit,
                            authenticator, joins},
                RequestValidator(), o.max_inflight_requests),
        agent_service(registry, hosts, reports, desired, blobs, *store, joins, o.heartbeat_interval,
                      o.tls.tls()) {}

  std::unique_ptr<Store> store;
  std::unique_ptr<AgentCertificateAuthority> authority;
  IpAllocator ips;
  BlobStore blobs;
  EventBus events;
  AgentRegistry registry;
  CoreContext core;
  HostImageIndex image_index;
  HostRecordCache host_records;
  std::unique_ptr<Scheduler> scheduler;
  QuotaPolicy quota_policy;
  InstanceLauncher launcher;
  InstancePower power;
  InstanceQueries queries;
  ImageCatalog images;
  KeyPairService key_pairs;
  InstanceTypeCatalog instance_types;
  HostDirectory hosts;
  PlacementGroupService placement_groups;
  QuotaService quotas;
  IdentityService identity;
  AccessKeyService access_keys;
  AuditLog audit;
  Authenticator authenticator;
  AgentReportApplier reports;
  DesiredSetBuilder desired;
  Janitor janitor;
  InstanceReconciler reconciler;
  JoinTokenService joins;
  ComputeService compute;
  AgentControllerService agent_service;
};

ControllerServer::ControllerServer(ControllerOptions options, const Clock& clock, IdGenerator& ids)
    : options_(std::move(options)), clock_(clock), ids_(ids) {
  if (options_.database.empty()) options_.database = options_.data_dir + "/gureum.db";
}

ControllerServer::~ControllerServer() { Shutdown(); }

absl::StatusOr<int> ControllerServer::Start() {
  auto credentials = ServerCredentialsFactory::Build(options_.listen, options_.tls);
  if (!credentials.ok()) return credentials.status();
  std::unique_ptr<AgentCertificateAuthority> agent_ca;
  if (!options_.agent_ca_key_file.empty()) {
    if (options_.tls.client_ca_file.empty()) {
      return absl::InvalidArgumentError("--agent-ca-key needs --client-ca (its certificate)");
    }
    auto ca_pem = ReadPemFile("--client-ca", options_.tls.client_ca_file);
    if (!ca_pem.ok()) return ca_pem.status();
    auto key_pem = ReadPemFile("--agent-ca-key", options_.agent_ca_key_file);
    if (!key_pem.ok()) return key_pem.status();
    auto loaded = AgentCertificateAuthority::Load(*ca_pem, *key_pem, options_.agent_cert_days);
    if (!loaded.ok()) return loaded.status();
    agent_ca = std::move(*loaded);
  }
  std::error_code ec;
  std::filesystem::create_directories(options_.data_dir, ec);
  if (ec) return absl::UnavailableError("cannot create " + options_.data_dir + ": " + ec.message());
  auto store = Store::Open(options_.database);
  if (!store.ok()) return store.status();
  auto ips = IpAllocator::Create(options_.network);
  if (!ips.ok()) return ips.status();
  auto scheduler = Scheduler::Create(options_.scheduler);
  if (!scheduler.ok()) return scheduler.status();
  spdlog::info("scheduler weighers: {}; overcommit cpu {} ram {} disk {}", (*scheduler)->Describe(),
               options_.scheduler.ratios.cpu, options_.scheduler.ratios.ram,
               options_.scheduler.ratios.disk);
  parts_ = std::make_unique<Parts>(std::move(*store), options_, clock_, ids_, std::move(*ips),
                                   std::move(*scheduler), std::move(agent_ca));
  if (absl::Status s = BootstrapAdmin(); !s.ok()) return s;

  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.listen, *credentials, &port);
  builder.RegisterService(&parts_->compute);
  builder.RegisterService(&parts_->agent_service);
  builder.SetMaxReceiveMessageSize(8 * 1024 * 1024);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 1000);
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    return absl::UnavailableError("cannot listen on " + options_.listen);
  }
  janitor_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      auto purged = parts_->janitor.RunOnce();
      if (!purged.ok()) {
        spdlog::warn("janitor: {}", purged.status().ToString());
      } else if (*purged > 0) {
        spdlog::info("janitor purged {} terminated instance(s)", *purged);
      }
      auto reconciled = parts_->reconciler.RunOnce();
      if (!reconciled.ok()) {
        spdlog::warn("reconciler: {}", reconciled.status().ToString());
      } else if (reconciled->failed + reconciled->retried > 0) {
        spdlog::warn("reconciler: {} stuck launch(es) failed, {} stuck transition(s) retried",
                     reconciled->failed, reconciled->retried);
      }
      lock.lock();
      stop_cv_.wait_for(lock, options_.janitor_interval, [this] { return stopping_; });
    }
  });
  monitor_ = std::thread([this] {
    // Hosts keep their stored state during the grace period; afterwards any
    // host without a recent heartbeat (e.g. whose agent did not come back) is
    // unreachable.
    const auto ttl = options_.heartbeat_ttl;
    const auto grace = options_.startup_grace.count() > 0 ? options_.startup_grace : ttl;
    const int64_t check_after = clock_.NowMillis() + grace.count();
    const auto period =
        std::clamp(ttl / 4, std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      const int64_t now = clock_.NowMillis();
      if (now >= check_after) {
        auto expired = parts_->hosts.ExpireSilentHosts(now, ttl.count());
        if (!expired.ok()) spdlog::warn("host monitor: {}", expired.status().ToString());
      }
      lock.lock();
      stop_cv_.wait_for(lock, period, [this] { return stopping_; });
    }
  });
  spdlog::info("controller listening on port {} ({}; database {}); heartbeat TTL {} ms", port,
               options_.tls.plaintext            ? "plaintext, loopback only"
               : options_.tls.verifies_clients() ? "TLS, agents identified by client certificates"
                                                 : "TLS, no --client-ca: agents cannot connect",
               options_.database, options_.heartbeat_ttl.count());
  return port;
}

absl::Status ControllerServer::BootstrapAdmin() {
  const std::string path = options_.bootstrap_credentials_file.empty()
                               ? options_.data_dir + "/admin-credentials"
                               : options_.bootstrap_credentials_file;
  // The key is on disk before the administrator is committed: a failed write
  // commits nothing, and the next start tries again.
  auto credential = parts_->identity.Bootstrap([&](const BootstrapCredential& c) {
    const std::string text = "# Gureum bootstrap administrator (user " + c.user_name +
                             ", project default). Keep secret; rotate with\n"
                             "# gureum rotate-access-key --access-key-id " +
                             c.access_key_id + "\nGUREUM_API_KEY=" + c.access_key_id + ":" +
                             c.secret + "\n";
    return WriteFileAtomically(path, text, 0600);
  });
  if (!credential.ok()) return credential.status();
  if (!credential->has_value()) return absl::OkStatus();
  const BootstrapCredential& c = **credential;
  // Printed once, on stdout (not the log), as the credential of a new cloud.
  std::printf("Bootstrap administrator created; its API key (shown once, also in %s):\n%s:%s\n",
              path.c_str(), c.access_key_id.c_str(), c.secret.c_str());
  std::fflush(stdout);
  spdlog::info("bootstrap administrator 'admin' created (access key {}); credential in {}",
               c.access_key_id, path);
  return absl::OkStatus();
}

void ControllerServer::Shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  if (janitor_.joinable()) janitor_.join();
  if (monitor_.joinable()) monitor_.join();
}

void ControllerServer::Wait() {
  if (server_) server_->Wait();
}

}  // namespace gureum::controller
