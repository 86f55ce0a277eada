#include "agent/tls/agent_transport.h"

#include <filesystem>

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include "agent/tls/certificate_request.h"
#include "common/durable_file.h"
#include "common/tls/client_endpoint.h"
#include "common/tls/pem_files.h"
#include "gureum/agent/v1/agent.grpc.pb.h"

namespace gureum::agent {
namespace {

absl::Status JoinWithToken(const AgentTransportOptions& options, const ClientEndpoint& endpoint) {
  auto request_keys = CertificateRequest::Generate(options.host_name);
  if (!request_keys.ok()) return request_keys.status();
  // Server-only TLS: the agent has no certificate yet.
  auto stub =
      v1::AgentController::NewStub(grpc::CreateChannel(endpoint.target(), endpoint.Credentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::JoinRequest request;
  request.set_host_name(options.host_name);
  request.set_token(options.join_token);
  request.set_csr_pem(request_keys->csr_pem);
  v1::JoinResponse response;
  grpc::Status status = stub->Join(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        "joining as " + options.host_name + " failed: " + status.error_message());
  }
  for (const std::string& file : {options.key_file, options.cert_file}) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
  }
  if (auto s = WriteFileAtomically(options.key_file, request_keys->private_key_pem, 0600);
      !s.ok()) {
    return s;
  }
  if (auto s = WriteFileAtomically(options.cert_file, response.certificate_pem(), 0644); !s.ok()) {
    return s;
  }
  spdlog::info("joined as {}: certificate written to {}", options.host_name, options.cert_file);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AgentChannel> AgentTransport::Prepare(const AgentTransportOptions& options) {
  const bool has_scheme = options.controller_address.find("://") != std::string::npos;
  if (options.plaintext) {
    if (!options.join_token.empty()) {
      return absl::InvalidArgumentError(
          "--join-token needs TLS; it cannot be used with --plaintext");
    }
    auto endpoint = ClientEndpoint::Resolve(
        has_scheme ? options.controller_address : "http://" + options.controller_address, "",
        "--ca-cert");
    if (!endpoint.ok()) {
      return absl::InvalidArgumentError(
          "--plaintext is allowed only with a loopback --controller (127.0.0.0/8, ::1, "
          "localhost): " +
          std::string(endpoint.status().message()));
    }
    if (endpoint->tls()) {
      return absl::InvalidArgumentError("--plaintext cannot be combined with an https:// address");
    }
    return AgentChannel{endpoint->target(), endpoint->Credentials()};
  }
  auto endpoint = ClientEndpoint::Resolve(
      has_scheme ? options.controller_address : "https://" + options.controller_address,
      options.ca_cert, "--ca-cert");
  if (!endpoint.ok()) return endpoint.status();
  if (!endpoint->tls()) {
    return absl::InvalidArgumentError("an http:// --controller needs --plaintext");
  }
  if (!std::filesystem::exists(options.cert_file)) {
    if (options.join_token.empty()) {
      return absl::InvalidArgumentError(
          "no client certificate at " + options.cert_file +
          ": give --join-token (from `gureum create-join-token`) to get one, --cert/--key to "
          "use another, or --plaintext for a loopback controller");
    }
    if (auto s = JoinWithToken(options, *endpoint); !s.ok()) return s;
  } else if (!options.join_token.empty()) {
    spdlog::info("a certificate is already at {}; --join-token ignored", options.cert_file);
  }
  auto cert = ReadPemFile("--cert", options.cert_file);
  if (!cert.ok()) return cert.status();
  auto key = ReadPemFile("--key", options.key_file);
  if (!key.ok()) return key.status();
  return AgentChannel{endpoint->target(), endpoint->Credentials(ClientIdentity{*cert, *key})};
}

}  // namespace gureum::agent
