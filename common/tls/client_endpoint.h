// ClientEndpoint: how a client (CLI, gateway, agent) reaches the controller,
// decided once from the endpoint it was given and whether it has a CA bundle:
//
//   https://host:port  TLS; the server is verified with the CA bundle, or
//                      with the system's roots when there is none
//   http://host:port   plaintext, only to a loopback host
//   host:port          TLS when a CA bundle is configured; otherwise
//                      plaintext if the host is loopback; otherwise an error
//
// Errors are InvalidArgumentError naming the rule. A plain value.
#pragma once

#include <memory>
#include <string>

#include <absl/status/statusor.h>
#include <grpcpp/security/credentials.h>

namespace gureum {

struct ClientIdentity {
  std::string certificate_pem;  // empty: no client certificate
  std::string private_key_pem;
};

class ClientEndpoint {
 public:
  // `ca_bundle_path` may be empty; `ca_source` names where it would come from
  // ("--ca-bundle") for the error messages.
  static absl::StatusOr<ClientEndpoint> Resolve(const std::string& endpoint,
                                                const std::string& ca_bundle_path,
                                                const std::string& ca_source);

  // The gRPC target without the scheme ("host:port").
  const std::string& target() const { return target_; }
  bool tls() const { return tls_; }
  // The host name the server's certificate must match.
  const std::string& host() const { return host_; }

  // Credentials for grpc::CreateChannel; the identity is presented only over TLS.
  std::shared_ptr<grpc::ChannelCredentials> Credentials(const ClientIdentity& identity = {}) const;

 private:
  std::string target_;
  std::string host_;
  bool tls_ = false;
  std::string ca_pem_;  // empty: system roots
};

}  // namespace gureum
