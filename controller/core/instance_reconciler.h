// InstanceReconciler: instances stuck in a transition past a deadline. One
// still `pending` after `pending_timeout` on a host that is up is failed
// (shutting-down with Server.InternalError naming the wait; the agent removes
// what it built). One in `stopping` or `shutting-down` past
// `transition_timeout` has its host's desired set sent again (retried) and an
// event recorded, at most once per timeout. Instances on unreachable hosts are
// left alone: nothing is failed or retried on a host nobody can reach.
// Time comes from the injected Clock; RunOnce is what tests call. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"

namespace gureum::controller {

struct ReconcilerOptions {
  std::chrono::milliseconds pending_timeout = std::chrono::minutes(15);
  std::chrono::milliseconds transition_timeout = std::chrono::minutes(10);
};

struct ReconcileCounts {
  int failed = 0;
  int retried = 0;
};

class InstanceReconciler {
 public:
  InstanceReconciler(CoreContext& core, ReconcilerOptions options)
      : core_(core), options_(options) {}

  absl::StatusOr<ReconcileCounts> RunOnce();

 private:
  CoreContext& core_;
  ReconcilerOptions options_;
  std::mutex mutex_;
  std::map<std::string, int64_t> last_retry_;  // instance id -> when; guarded by mutex_
};

}  // namespace gureum::controller
