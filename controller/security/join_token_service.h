// JoinTokenService: admins create one-time join tokens bound to a host name;
// a new host's agent trades its token and a certificate request for a client
// certificate signed by the agent CA (Join). The check of the token, the
// signing and the marking as used are one transaction, so a token issues at
// most one certificate. Thread-safe.
#pragma once

#include <memory>

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "controller/security/agent_certificate_authority.h"
#include "gureum/agent/v1/agent.pb.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

inline constexpr int64_t kDefaultJoinTokenTtlSeconds = 3600;
inline constexpr int64_t kMaxJoinTokenTtlSeconds = 86400;

class JoinTokenService {
 public:
  // `authority` may be null: Join then answers FAILED_PRECONDITION.
  JoinTokenService(CoreContext& core, const AgentCertificateAuthority* authority)
      : core_(core), authority_(authority) {}

  // PERMISSION_DENIED unless ctx.admin.
  absl::StatusOr<v1::CreateJoinTokenResponse> Create(const RequestContext& ctx,
                                                     const v1::CreateJoinTokenRequest& request);
  // UNAUTHENTICATED (and nothing written) unless the token is known, unused,
  // unexpired and bound to request.host_name.
  absl::StatusOr<agent::v1::JoinResponse> Join(const agent::v1::JoinRequest& request);

 private:
  CoreContext& core_;
  const AgentCertificateAuthority* authority_;
};

}  // namespace gureum::controller
