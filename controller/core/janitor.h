// Janitor: periodic housekeeping that is safe to run at any time: purges
// terminated instances after their retention (EC2 keeps them visible about an
// hour) and client tokens once they are 48 h old and their resource ended at
// least 24 h ago (so a retry of a long-lived launch never launches again). Time comes from the
// injected Clock; RunOnce is what tests call. Thread-safe.
#pragma once

#include <chrono>

#include <absl/status/status.h>

#include "controller/core/core_context.h"

namespace gureum::controller {

struct JanitorOptions {
  std::chrono::milliseconds terminated_retention = std::chrono::hours(1);
  std::chrono::milliseconds client_token_retention = std::chrono::hours(48);
  std::chrono::milliseconds client_token_after_end = std::chrono::hours(24);
};

class Janitor {
 public:
  Janitor(CoreContext& core, JanitorOptions options) : core_(core), options_(options) {}

  // Returns how many terminated instances were purged.
  absl::StatusOr<int> RunOnce();

 private:
  CoreContext& core_;
  JanitorOptions options_;
};

}  // namespace gureum::controller
