// Polls DescribeInstances until every instance is in the target state, one of them
// settles in another state, or time runs out. The clock and the sleeping between
// polls are injected so tests run without waiting. Not thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "cli/rpc/compute_client.h"
#include "cli/wait/sleeper.h"
#include "cli/wait/wait_progress.h"
#include "cli/wait/wait_target.h"
#include "common/clock.h"

namespace gureum::cli {

struct WaitSettings {
  std::chrono::milliseconds timeout{600'000};
  std::chrono::milliseconds interval{500};
};

struct WaitResult {
  enum class Outcome { kReached, kSettledElsewhere, kTimedOut, kCallFailed };
  Outcome outcome = Outcome::kTimedOut;
  // The last answer for each instance, by id (absent if never seen).
  std::map<std::string, v1::Instance> last_seen;
  // The instance that settled elsewhere, or the first one not there at the timeout.
  std::string culprit;
  // The failed call (kCallFailed), or the last transport failure retried past.
  RpcResult<v1::DescribeInstancesResponse> last_failure;
  std::chrono::milliseconds elapsed{0};
};

class InstanceWaiter {
 public:
  // All must outlive the waiter.
  InstanceWaiter(ComputeClient& client, const Clock& clock, Sleeper& sleeper)
      : client_(client), clock_(clock), sleeper_(sleeper) {}

  // Requires at least one id. Transport failures (endpoint briefly unreachable) are
  // retried until the timeout; API errors end the wait at once (kCallFailed).
  WaitResult Wait(const std::vector<std::string>& instance_ids, const WaitTarget& target,
                  const WaitSettings& settings, WaitProgress& progress);

 private:
  ComputeClient& client_;
  const Clock& clock_;
  Sleeper& sleeper_;
};

}  // namespace gureum::cli
