#include "controller/api/auth_failure_limiter.h"

#include <catch2/catch.hpp>

namespace gureum::controller {

TEST_CASE("auth failures: a source is blocked at the limit until failures leave the window") {
  AuthFailureLimiter limiter(3, std::chrono::seconds(60));
  CHECK(limiter.BlockedFor("ipv4:10.0.0.1", 0) == 0);
  CHECK(limiter.RecordFailure("ipv4:10.0.0.1", 1000) == 1);
  CHECK(limiter.RecordFailure("ipv4:10.0.0.1", 2000) == 2);
  CHECK(limiter.BlockedFor("ipv4:10.0.0.1", 2500) == 0);
  CHECK(limiter.RecordFailure("ipv4:10.0.0.1", 3000) == 3);
  // Blocked until the first failure (t=1000) is 60 s old.
  CHECK(limiter.BlockedFor("ipv4:10.0.0.1", 3000) == 58000);
  CHECK(limiter.BlockedFor("ipv4:10.0.0.2", 3000) == 0);  // others unaffected
  CHECK(limiter.BlockedFor("ipv4:10.0.0.1", 61000) == 0);
  CHECK(limiter.RecordFailure("ipv4:10.0.0.1", 61000) == 3);  // t=1000 left the window
}

}  // namespace gureum::controller
