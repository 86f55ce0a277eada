// ControllerServer: wires the store, core services, scheduler, agent sessions
// and the two gRPC services together and runs them (plus the janitor loop).
// main() only parses flags and calls this; tests start it in-process too.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

#include "common/clock.h"
#include "common/id_generator.h"
#include "controller/core/ip_allocator.h"
#include "controller/core/quota_policy.h"
#include "controller/scheduler/scheduler.h"
#include "controller/security/server_credentials_factory.h"

namespace gureum::controller {

struct ControllerOptions {
  std::string listen = "127.0.0.1:7070";  // port 0 picks a free port
  // TLS, client CA, or plaintext on loopback (ServerCredentialsFactory).
  ServerTlsOptions tls;
  // The key of tls.client_ca_file's certificate: lets Join sign agents'
  // certificates (empty: Join answers FAILED_PRECONDITION).
  std::string agent_ca_key_file;
  int agent_cert_days = 365;
  std::string data_dir = "/var/lib/gureum/controller";
  std::string database;  // default: <data_dir>/gureum.db
  // Where the bootstrap admin's API key is written (0600) on the first start.
  std::string bootstrap_credentials_file;  // default: <data_dir>/admin-credentials
  std::chrono::milliseconds heartbeat_interval{2000};
  // A host with no heartbeat for this long is unreachable.
  std::chrono::milliseconds heartbeat_ttl{10000};
  // After start, hosts keep their last state this long so agents can
  // reconnect (as Nomad after a leader change); 0 = the TTL.
  std::chrono::milliseconds startup_grace{0};
  // Unary API calls allowed at once; more get RequestLimitExceeded.
  int max_inflight_requests = 256;
  // Deadlines of the instance reconciler (run with the janitor).
  std::chrono::milliseconds pending_timeout{std::chrono::minutes(15)};
  std::chrono::milliseconds transition_timeout{std::chrono::minutes(10)};
  std::chrono::milliseconds janitor_interval{30000};
  std::chrono::milliseconds terminated_retention{std::chrono::hours(1)};
  NetworkConfig network;
  SchedulerConfig scheduler;
  // Quotas of a project an admin has not set (-1 = unlimited).
  ResourceAmounts default_quotas = QuotaPolicy::BuiltInDefaults();
};

class ControllerServer {
 public:
  ControllerServer(ControllerOptions options, const Clock& clock, IdGenerator& ids);
  ~ControllerServer();

  // Opens the store, starts serving; returns the bound port.
  absl::StatusOr<int> Start();
  void Shutdown();
  void Wait();

 private:
  struct Parts;
  // Creates the first admin and its key if there are no users yet.
  absl::Status BootstrapAdmin();
  ControllerOptions options_;
  const Clock& clock_;
  IdGenerator& ids_;
  std::unique_ptr<Parts> parts_;
  std::unique_ptr<grpc::Server> server_;
  std::thread janitor_;
  std::thread monitor_;  // host liveness
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by mutex_
};

}  // namespace gureum::controller
