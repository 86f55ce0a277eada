// GatewayServer: the gateway process's parts put together: the gRPC channel to
// the controller, the REST routes, the OpenAPI document, the web console's
// static files, and the HTTP server that serves them. Start() and Shutdown()
// are called from one thread; the server itself serves on its own threads.
// It serves HTTPS (--tls-cert/--tls-key) or, only on a loopback --listen and
// only when asked (--plaintext), HTTP; it reaches the controller by the CLI's
// endpoint rules (common/tls/client_endpoint.h).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <absl/status/statusor.h>
#include <httplib.h>

#include "gateway/compute_routes.h"
#include "gateway/route_table.h"

namespace gureum::gateway {

struct GatewayOptions {
  std::string listen = "127.0.0.1:8080";      // host:port; port 0 picks a free one
  std::string controller = "127.0.0.1:7070";  // same rules as the CLI's --endpoint
  std::string controller_ca;                  // --controller-ca: verifies the controller
  std::string tls_cert;                       // --tls-cert/--tls-key: serve HTTPS
  std::string tls_key;
  bool plaintext = false;  // --plaintext: serve HTTP, loopback --listen only
  std::string static_dir;  // the console's files; empty = no console
  int threads = 32;        // each open SSE stream holds one
  ComputeRoutesOptions routes;
};

class GatewayServer {
 public:
  explicit GatewayServer(GatewayOptions options);
  ~GatewayServer();

  // Binds and starts serving; returns the bound port.
  absl::StatusOr<int> Start();
  // Ends open event streams and stops serving. Idempotent.
  void Shutdown();

 private:
  GatewayOptions options_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<httplib::Server> http_;
  RouteTable routes_;
  std::unique_ptr<ComputeRoutes> compute_;
  std::string openapi_json_;
  std::thread serving_;
};

}  // namespace gureum::gateway
