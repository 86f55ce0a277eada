#include "controller/security/agent_identity.h"

namespace gureum::controller {

absl::StatusOr<std::optional<std::string>> AgentIdentity::Of(const grpc::ServerContextBase& context,
                                                             bool require_certificate) {
  if (!require_certificate) return std::nullopt;
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError(
        "agents must present a client certificate signed by the controller's --client-ca");
  }
  std::vector<grpc::string_ref> names = auth->FindPropertyValues("x509_common_name");
  if (names.size() != 1 || names[0].empty()) {
    return absl::UnauthenticatedError("the client certificate names no host (no common name)");
  }
  return std::string(names[0].data(), names[0].size());
}

}  // namespace gureum::controller
