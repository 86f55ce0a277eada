#include "gateway/gateway_server.h"

#include <filesystem>

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include "common/tls/client_endpoint.h"
#include "common/tls/network_address.h"
#include "gateway/openapi_document.h"
#include "gateway/request_security.h"

namespace gureum::gateway {

GatewayServer::GatewayServer(GatewayOptions options) : options_(std::move(options)) {}

GatewayServer::~GatewayServer() { Shutdown(); }

absl::StatusOr<int> GatewayServer::Start() {
  size_t colon = options_.listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError("--listen must be host:port, not " + options_.listen);
  }
  std::string host = options_.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  try {
    port = std::stoi(options_.listen.substr(colon + 1));
  } catch (const std::exception&) {
    return absl::InvalidArgumentError("--listen has no port number: " + options_.listen);
  }

  const bool tls = !options_.tls_cert.empty() || !options_.tls_key.empty();
  if (options_.plaintext && tls) {
    return absl::InvalidArgumentError("--plaintext cannot be combined with --tls-cert/--tls-key");
  }
  if (options_.plaintext && !IsLoopbackHost(host)) {
    return absl::InvalidArgumentError(
        "--plaintext is allowed only when --listen is a loopback address (127.0.0.0/8, ::1, "
        "localhost), not " +
        options_.listen + "; serve HTTPS with --tls-cert and --tls-key instead");
  }
  if (!options_.plaintext && !tls) {
    return absl::InvalidArgumentError(
        "no transport security chosen: give --tls-cert and --tls-key to serve HTTPS, or "
        "--plaintext on a loopback --listen address");
  }
  if (tls && (options_.tls_cert.empty() || options_.tls_key.empty())) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  auto upstream =
      ClientEndpoint::Resolve(options_.controller, options_.controller_ca, "--controller-ca");
  if (!upstream.ok()) return upstream.status();
  if (tls) {
    auto server =
        std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
    if (!server->is_valid()) {
      return absl::InvalidArgumentError("--tls-cert " + options_.tls_cert + " / --tls-key " +
                                        options_.tls_key + ": cannot load the certificate or key");
    }
    http_ = std::move(server);
  } else {
    http_ = std::make_unique<httplib::Server>();
  }

  grpc::ChannelArguments args;
  // Lets the controller's logs tell gateway calls from the CLI's.
  args.SetUserAgentPrefix("gureum-gateway/" GUREUM_VERSION);
  std::shared_ptr<v1::Compute::StubInterface> stub = v1::Compute::NewStub(
      grpc::CreateCustomChannel(upstream->target(), upstream->Credentials(), args));
  compute_ = std::make_unique<ComputeRoutes>(stub, options_.routes, &stopping_);
  compute_->AddTo(routes_);
  openapi_json_ = OpenApiDocument::Build(routes_, GUREUM_VERSION).dump(2);

  http_->Get("/v1/openapi.json", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(openapi_json_, "application/json");
  });
  routes_.Install(*http_);
  if (!options_.static_dir.empty()) {
    if (!std::filesystem::is_directory(options_.static_dir) ||
        !http_->set_mount_point("/", options_.static_dir)) {
      return absl::InvalidArgumentError("--static-dir is not a directory: " + options_.static_dir);
    }
    http_->set_file_request_handler([](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-cache");
    });
  }
  // Every answer, routed or not, static or API (request_security.h).
  http_->set_post_routing_handler(AddSecurityHeaders);
  http_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    spdlog::debug("{} {} -> {}", req.method, req.path, res.status);
  });
  // httplib writes a response's headers and body in two send() calls; with
  // Nagle the body waits for the client's delayed ACK of the headers (up to
  // 40 ms on Linux) on every keep-alive request after the first.
  http_->set_tcp_nodelay(true);
  int threads = options_.threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };

  int bound =
      port == 0 ? http_->bind_to_any_port(host) : (http_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError("cannot listen on " + options_.listen);
  }
  serving_ = std::thread([this] { http_->listen_after_bind(); });
  spdlog::info("gateway serving {}://{}:{}/ for controller {} ({})", tls ? "https" : "http", host,
               bound, upstream->target(), upstream->tls() ? "TLS" : "plaintext");
  return bound;
}

void GatewayServer::Shutdown() {
  stopping_ = true;
  if (http_) http_->stop();
  if (serving_.joinable()) serving_.join();
}

}  // namespace gureum::gateway
