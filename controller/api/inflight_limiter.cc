#include "controller/api/inflight_limiter.h"

#include <string>

#include "common/api_error.h"

namespace gureum::controller {

absl::Status InflightLimiter::Refusal() const {
  return ApiError(absl::StatusCode::kResourceExhausted, errc::kRequestLimitExceeded, "",
                  "Request limit exceeded: " + std::to_string(max_) +
                      " requests are in progress; retry with backoff");
}

}  // namespace gureum::controller
