#include "controller/api/inflight_limiter.h"

#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "common/api_error.h"

namespace gureum::controller {

TEST_CASE("the inflight limiter admits up to its limit and frees places as calls end") {
  // This test verifies acquire/release counting and the RequestLimitExceeded refusal.
  InflightLimiter limiter(2);
  std::optional<InflightLimiter::Slot> a = limiter.TryAcquire();
  std::optional<InflightLimiter::Slot> b = limiter.TryAcquire();
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK_FALSE(limiter.TryAcquire().has_value());
  CHECK(limiter.inflight() == 2);
  a.reset();
  CHECK(limiter.inflight() == 1);
  auto c = limiter.TryAcquire();
  CHECK(c.has_value());
  absl::Status refusal = limiter.Refusal();
  CHECK(refusal.code() == absl::StatusCode::kResourceExhausted);
  CHECK(ErrorCodeOf(refusal) == "RequestLimitExceeded");
  CHECK_THAT(std::string(refusal.message()), Catch::Contains("2 requests are in progress"));
}

}  // namespace gureum::controller
