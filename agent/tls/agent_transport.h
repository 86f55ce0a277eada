// AgentTransport: the agent's side of transport security, decided once at
// start. With --plaintext (a loopback controller only) the channel is
// insecure. Otherwise it is mTLS: the controller is verified with --ca-cert
// and the agent presents --cert/--key; when no certificate is on disk yet and
// a --join-token is given, it generates a key and a request, calls Join over
// server-only TLS, and writes the key (0600) and the certificate first. A
// certificate already on disk wins over the token. Not thread-safe; the
// credentials it returns are.
#pragma once

#include <memory>
#include <string>

#include <absl/status/statusor.h>
#include <grpcpp/security/credentials.h>

namespace gureum::agent {

struct AgentTransportOptions {
  std::string controller_address;  // --controller: HOST:PORT (or https://HOST:PORT)
  std::string host_name;
  bool plaintext = false;  // --plaintext
  std::string ca_cert;     // --ca-cert (empty: the system's roots)
  std::string cert_file;   // --cert
  std::string key_file;    // --key
  std::string join_token;  // --join-token
};

struct AgentChannel {
  std::string target;  // host:port for grpc::CreateChannel
  std::shared_ptr<grpc::ChannelCredentials> credentials;
};

class AgentTransport {
 public:
  // InvalidArgumentError for a flag combination that is not allowed;
  // UnauthenticatedError etc. from Join, as the controller answered.
  static absl::StatusOr<AgentChannel> Prepare(const AgentTransportOptions& options);
};

}  // namespace gureum::agent
