// NoArtifacts: the InstanceArtifacts of drivers that need no files (the fake).
// It only translates a DesiredInstance into a DomainSpec (sizes, MAC, network,
// a few facts as metadata); Prepare and Release touch nothing on disk.
// Stateless, hence thread-safe and idempotent.
#pragma once

#include "agent/sync/instance_artifacts.h"

namespace gureum::agent {

class NoArtifacts final : public InstanceArtifacts {
 public:
  // InvalidArgument if the desired instance has no id.
  absl::StatusOr<DomainSpec> Prepare(const v1::DesiredInstance& desired) override;
  absl::Status Release(const std::string& instance_id) override;
};

}  // namespace gureum::agent
