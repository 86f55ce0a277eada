// ServerCredentialsFactory: the controller's transport security, from its
// flags. TLS with --tls-cert/--tls-key; with --client-ca, client certificates
// are requested and verified when presented (agents present one; users, who
// authenticate with API keys on the same port, do not). --plaintext serves
// without TLS and is allowed only on a loopback --listen host. Neither is a
// refusal: there is no silent plaintext default. Thread-safe (stateless).
#pragma once

#include <memory>
#include <string>

#include <absl/status/statusor.h>
#include <grpcpp/security/server_credentials.h>

namespace gureum::controller {

struct ServerTlsOptions {
  std::string cert_file;       // --tls-cert (PEM chain)
  std::string key_file;        // --tls-key (PEM)
  std::string client_ca_file;  // --client-ca: CA whose certificates identify agents
  bool plaintext = false;      // --plaintext (loopback only)

  bool tls() const { return !cert_file.empty() || !key_file.empty(); }
  // True when agents are identified by verified client certificates.
  bool verifies_clients() const { return tls() && !client_ca_file.empty(); }
};

class ServerCredentialsFactory {
 public:
  // InvalidArgumentError naming the flag and the rule when the combination
  // is not allowed or a file cannot be read.
  static absl::Status Validate(const std::string& listen, const ServerTlsOptions& options);
  static absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Build(
      const std::string& listen, const ServerTlsOptions& options);
};

}  // namespace gureum::controller
