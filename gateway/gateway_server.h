// GatewayServer: the gateway process's parts put together: the gRPC channel to
// the controller, the REST routes, the OpenAPI document, the web console's
// static files, and the HTTP server that serves them. Start() and Shutdown()
// are called from one thread; the server itself serves on its own threads.
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
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::string controller = "127.0.0.1:7070";
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
  httplib::Server http_;
  RouteTable routes_;
  std::unique_ptr<ComputeRoutes> compute_;
  std::string openapi_json_;
  std::thread serving_;
};

}  // namespace gureum::gateway
