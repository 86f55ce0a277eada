// Client-token idempotency (EC2 semantics), used inside the transaction of
// the effect it guards: a token seen before with the same operation and
// request hash yields the stored result; with anything else it is
// IdempotentParameterMismatch. Pure function over the repositories.
#pragma once

#include <optional>
#include <string>

#include <absl/status/statusor.h>

#include "controller/core/request_context.h"
#include "controller/store/store.h"

namespace gureum::controller {

// nullopt: the token is new (or empty) and the caller should act and then
// record it; a value: the result of the original request.
absl::StatusOr<std::optional<std::string>> LookUpClientToken(Repositories& repos,
                                                             const RequestContext& ctx,
                                                             const std::string& token,
                                                             const std::string& operation,
                                                             const std::string& request_hash);

}  // namespace gureum::controller
