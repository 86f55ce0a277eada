#include "gateway/gateway_server.h"

#include <filesystem>

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

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

  grpc::ChannelArguments args;
  // Lets the controller's logs tell gateway calls from the CLI's.
  args.SetUserAgentPrefix("gureum-gateway/" GUREUM_VERSION);
  std::shared_ptr<v1::Compute::StubInterface> stub = v1::Compute::NewStub(
      grpc::CreateCustomChannel(options_.controller, grpc::InsecureChannelCredentials(), args));
  compute_ = std::make_unique<ComputeRoutes>(stub, options_.routes, &stopping_);
  compute_->AddTo(routes_);
  openapi_json_ = OpenApiDocument::Build(routes_, GUREUM_VERSION).dump(2);

  http_.Get("/v1/openapi.json", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(openapi_json_, "application/json");
  });
  routes_.Install(http_);
  if (!options_.static_dir.empty()) {
    if (!std::filesystem::is_directory(options_.static_dir) ||
        !http_.set_mount_point("/", options_.static_dir)) {
      return absl::InvalidArgumentError("--static-dir is not a directory: " + options_.static_dir);
    }
    http_.set_file_request_handler([](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-cache");
    });
  }
  // Every answer, routed or not, static or API (request_security.h).
  http_.set_post_routing_handler(AddSecurityHeaders);
  http_.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    spdlog::debug("{} {} -> {}", req.method, req.path, res.status);
  });
  int threads = options_.threads;
  http_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };

  int bound =
      port == 0 ? http_.bind_to_any_port(host) : (http_.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError("cannot listen on " + options_.listen);
  }
  serving_ = std::thread([this] { http_.listen_after_bind(); });
  spdlog::info("gateway serving http://{}:{}/ for controller {}", host, bound, options_.controller);
  return bound;
}

void GatewayServer::Shutdown() {
  stopping_ = true;
  http_.stop();
  if (serving_.joinable()) serving_.join();
}

}  // namespace gureum::gateway
