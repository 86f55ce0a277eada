// InstanceArtifacts: prepares and removes the files an instance needs on this
// host (cached image, copy-on-write overlay, cloud-init seed, console log) and
// fills in the DomainSpec that points at them. The sync loop calls Prepare
// before defining a domain and Release after undefining it.
//
// Implementations must be thread-safe and idempotent: Prepare on an instance
// that is already prepared returns the same spec; Release of an unknown
// instance succeeds.
#pragma once

#include <string>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "agent/hypervisor/driver.h"
#include "gureum/agent/v1/agent.pb.h"

namespace gureum::agent {

class InstanceArtifacts {
 public:
  virtual ~InstanceArtifacts() = default;

  // Builds everything `desired` needs and returns the domain spec. May block
  // (image download). Errors say what failed (e.g. checksum mismatch).
  virtual absl::StatusOr<DomainSpec> Prepare(const v1::DesiredInstance& desired) = 0;

  // Deletes every file Prepare made for this instance.
  virtual absl::Status Release(const std::string& instance_id) = 0;
};

}  // namespace gureum::agent
