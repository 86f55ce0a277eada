#include "agent/sync/no_artifacts.h"

namespace gureum::agent {

absl::StatusOr<DomainSpec> NoArtifacts::Prepare(const v1::DesiredInstance& desired) {
  if (desired.instance_id().empty()) {
    return absl::InvalidArgumentError("desired instance without an instance id");
  }
  const v1::InstanceSpec& s = desired.spec();
  DomainSpec spec;
  spec.instance_id = desired.instance_id();
  spec.vcpus = s.vcpus();
  spec.memory_mib = s.memory_mib();
  spec.mac_address = s.mac_address();
  spec.network = s.network();
  // Kept with the domain so the console and a restarted agent can tell which
  // guest this is without asking the controller.
  if (!s.hostname().empty()) spec.metadata["hostname"] = s.hostname();
  if (!s.image().image_id().empty()) spec.metadata["image_id"] = s.image().image_id();
  return spec;
}

absl::Status NoArtifacts::Release(const std::string& instance_id) { return absl::OkStatus(); }

}  // namespace gureum::agent
