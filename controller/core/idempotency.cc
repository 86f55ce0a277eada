#include "controller/core/idempotency.h"

#include "common/api_error.h"

namespace gureum::controller {

absl::StatusOr<std::optional<std::string>> LookUpClientToken(Repositories& repos,
                                                             const RequestContext& ctx,
                                                             const std::string& token,
                                                             const std::string& operation,
                                                             const std::string& request_hash) {
  if (token.empty()) return std::nullopt;
  auto seen = repos.client_tokens.Get(ctx.project_id, token);
  if (!seen) return std::nullopt;
  if (seen->operation != operation || seen->request_hash != request_hash) {
    return ApiError(absl::StatusCode::kInvalidArgument, errc::kIdempotentParameterMismatch,
                    "ClientToken",
                    "The client token '" + token + "' was already used with different parameters");
  }
  return seen->result;
}

}  // namespace gureum::controller
