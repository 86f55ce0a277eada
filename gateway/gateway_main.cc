// gureum-gateway: parses flags and runs GatewayServer.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "common/logging.h"
#include "common/port_file.h"
#include "gateway/gateway_server.h"

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

}  // namespace

int main(int argc, char** argv) {
  // A client that goes away mid-reply fails that write (EPIPE); it must not
  // end the server.
  std::signal(SIGPIPE, SIG_IGN);

  using namespace gureum;
  gateway::GatewayOptions options;
  options.static_dir = GUREUM_GATEWAY_WEB_DIR;
  std::string port_file;
  std::string log_level = "info";
  int64_t call_timeout_ms = options.routes.call_timeout.count();
  int64_t heartbeat_ms = options.routes.sse_heartbeat.count();

  CLI::App app{"gureum-gateway: REST/JSON API and web console over the Gureum gRPC API"};
  app.add_option("--listen", options.listen,
                 "address:port to serve HTTP on (port 0 = pick one); loopback by default until "
                 "the API has authentication")
      ->capture_default_str();
  app.add_option("--controller", options.controller,
                 "the controller: https://HOST:PORT, http://HOST:PORT (loopback only) or "
                 "HOST:PORT (TLS if --controller-ca is given, else loopback plaintext)")
      ->capture_default_str();
  app.add_option("--controller-ca", options.controller_ca,
                 "CA certificate (PEM) that verifies the controller");
  app.add_option("--tls-cert", options.tls_cert, "serve HTTPS with this certificate chain (PEM)");
  app.add_option("--tls-key", options.tls_key, "the private key of --tls-cert (PEM)");
  app.add_flag("--plaintext", options.plaintext,
               "serve plain HTTP; allowed only on a loopback --listen address");
  app.add_option("--static-dir", options.static_dir,
                 "directory of the web console's files (empty = serve no console)")
      ->capture_default_str();
  app.add_option("--port-file", port_file, "write the bound port here once serving");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error")->capture_default_str();
  app.add_option("--call-timeout-ms", call_timeout_ms, "deadline of each gRPC call")
      ->capture_default_str();
  app.add_option("--sse-heartbeat-ms", heartbeat_ms,
                 "keep-alive comment interval on idle event streams")
      ->capture_default_str();
  app.add_option("--threads", options.threads, "HTTP worker threads (each SSE stream holds one)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  InitLogging("gateway", log_level);
  options.routes.call_timeout = std::chrono::milliseconds(call_timeout_ms);
  options.routes.sse_heartbeat = std::chrono::milliseconds(heartbeat_ms);

  gateway::GatewayServer server(options);
  auto port = server.Start();
  if (!port.ok()) {
    spdlog::critical("cannot start: {}", port.status().ToString());
    return absl::IsInvalidArgument(port.status()) ? 2 : 1;
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
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  spdlog::info("shutting down");
  server.Shutdown();
  return 0;
}
