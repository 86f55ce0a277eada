#include "agent/sync/failure_kind.h"

#include <algorithm>

namespace gureum::agent {

const char* SyncStepName(SyncStep step) {
  switch (step) {
    case SyncStep::kPrepare:
      return "prepare";
    case SyncStep::kDefine:
      return "define";
    case SyncStep::kStart:
      return "start";
    case SyncStep::kShutdown:
      return "shutdown";
    case SyncStep::kPowerOff:
      return "power off";
    case SyncStep::kReboot:
      return "reboot";
    case SyncStep::kUndefine:
      return "undefine";
    case SyncStep::kRelease:
      return "release of instance files";
  }
  return "step";
}

const char* FailureKindName(FailureKind kind) {
  return kind == FailureKind::kTransient ? "transient" : "permanent";
}

FailureKind ClassifyFailure(SyncStep step, const absl::Status& status) {
  switch (status.code()) {
    // The hypervisor or the controller went away mid-call (a daemon restart,
    // a lost connection), did not answer in time, or was busy.
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kResourceExhausted:
      return FailureKind::kTransient;
    // On a domain these mean its state changed under the call (it stopped,
    // vanished or appeared meanwhile, or the network is not up yet): the next
    // pass reads the state again. For Prepare they mean the image or its
    // parts do not exist: retrying cannot make them.
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
      return step == SyncStep::kPrepare || step == SyncStep::kRelease ? FailureKind::kPermanent
                                                                      : FailureKind::kTransient;
    // An unusable definition or image (invalid XML, a corrupt or unbootable
    // disk QEMU refuses), a refusal, or an error nobody classified: a retry
    // would fail the same way.
    default:
      return FailureKind::kPermanent;
  }
}

std::chrono::milliseconds RetryDelay(int attempt) {
  const int doublings = std::clamp(attempt - 1, 0, 5);
  return std::min(std::chrono::milliseconds(1000 << doublings), std::chrono::milliseconds(30'000));
}

}  // namespace gureum::agent
