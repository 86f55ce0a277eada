// AgentIdentity: which host an agent RPC speaks for. Over mTLS it is the
// common name of the client certificate the TLS handshake verified against
// --client-ca; without one the call is UNAUTHENTICATED. On a plaintext
// (loopback-only) controller there is no certificate and the host is what the
// agent claims. Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>

#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

namespace gureum::controller {

class AgentIdentity {
 public:
  // The verified host name, or nullopt when certificates are not required
  // (plaintext mode). UNAUTHENTICATED when they are and none was verified.
  static absl::StatusOr<std::optional<std::string>> Of(const grpc::ServerContextBase& context,
                                                       bool require_certificate);
};

}  // namespace gureum::controller
