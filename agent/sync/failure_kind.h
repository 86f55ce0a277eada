// Whether a failed step of the sync is worth retrying: the one place that
// tells a transient failure (the hypervisor restarting, a lost connection, a
// timeout, a state that changed under the call) from a permanent one (an
// unusable image or domain definition), from the step and the status code
// the driver and the artifacts return. Pure functions; thread-safe.
//
// Transient failures are retried with backoff while the desired state stays
// the same and are reported as the instance's status reason; permanent ones
// fail the instance (docs/reliability.md has the table).
#pragma once

#include <chrono>
#include <cstdint>

#include <absl/status/status.h>

namespace gureum::agent {

// The steps the sync takes, as far as classification cares.
enum class SyncStep {
  kPrepare,  // image, overlay and seed on the host's disk
  kDefine,
  kStart,
  kShutdown,
  kPowerOff,
  kReboot,
  kUndefine,
  kRelease,  // deleting the instance's files
};

enum class FailureKind { kTransient, kPermanent };

const char* SyncStepName(SyncStep step);
const char* FailureKindName(FailureKind kind);

// The kind of a failure of `step` with `status` (not OK).
FailureKind ClassifyFailure(SyncStep step, const absl::Status& status);

// How long to wait before attempt number `attempt` + 1 after `attempt`
// transient failures in a row (attempt >= 1): 1 s, doubling, at most 30 s.
std::chrono::milliseconds RetryDelay(int attempt);

}  // namespace gureum::agent
