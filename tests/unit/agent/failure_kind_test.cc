#include "agent/sync/failure_kind.h"

#include <catch2/catch.hpp>

namespace gureum::agent {
namespace {

using namespace std::chrono_literals;

TEST_CASE("failures of the hypervisor connection are transient at every step") {
  // This test verifies that a lost connection, a timeout, a busy hypervisor
  // and a lack of resources are retried whatever the step.
  for (SyncStep step :
       {SyncStep::kPrepare, SyncStep::kDefine, SyncStep::kStart, SyncStep::kShutdown,
        SyncStep::kPowerOff, SyncStep::kReboot, SyncStep::kUndefine, SyncStep::kRelease}) {
    INFO(SyncStepName(step));
    CHECK(ClassifyFailure(step, absl::UnavailableError("Connection reset by peer")) ==
          FailureKind::kTransient);
    CHECK(ClassifyFailure(step, absl::DeadlineExceededError("timed out")) ==
          FailureKind::kTransient);
    CHECK(ClassifyFailure(step, absl::AbortedError("resource busy")) == FailureKind::kTransient);
    CHECK(ClassifyFailure(step, absl::ResourceExhaustedError("no memory")) ==
          FailureKind::kTransient);
    CHECK(ClassifyFailure(step, absl::InvalidArgumentError("bad XML")) == FailureKind::kPermanent);
    CHECK(ClassifyFailure(step, absl::DataLossError("sha256 mismatch")) == FailureKind::kPermanent);
    CHECK(ClassifyFailure(step, absl::InternalError("qemu closed the monitor")) ==
          FailureKind::kPermanent);
  }
}

TEST_CASE("a domain whose state changed under a call is transient, a missing image is not") {
  // This test verifies the step-dependent codes: on a domain NotFound,
  // AlreadyExists and FailedPrecondition mean it changed meanwhile (the next
  // pass sees it again); for Prepare they mean the image does not exist.
  for (SyncStep step : {SyncStep::kDefine, SyncStep::kStart, SyncStep::kShutdown,
                        SyncStep::kPowerOff, SyncStep::kReboot, SyncStep::kUndefine}) {
    INFO(SyncStepName(step));
    CHECK(ClassifyFailure(step, absl::NotFoundError("no domain")) == FailureKind::kTransient);
    CHECK(ClassifyFailure(step, absl::AlreadyExistsError("exists")) == FailureKind::kTransient);
    CHECK(ClassifyFailure(step, absl::FailedPreconditionError("domain is not running")) ==
          FailureKind::kTransient);
  }
  CHECK(ClassifyFailure(SyncStep::kPrepare, absl::NotFoundError("image gone")) ==
        FailureKind::kPermanent);
  CHECK(ClassifyFailure(SyncStep::kPrepare, absl::FailedPreconditionError("x")) ==
        FailureKind::kPermanent);
}

TEST_CASE("retries back off from one second, doubling, to thirty seconds") {
  // This test verifies the delay before each retry.
  CHECK(RetryDelay(1) == 1s);
  CHECK(RetryDelay(2) == 2s);
  CHECK(RetryDelay(3) == 4s);
  CHECK(RetryDelay(5) == 16s);
  CHECK(RetryDelay(6) == 30s);
  CHECK(RetryDelay(100) == 30s);
}

}  // namespace
}  // namespace gureum::agent
