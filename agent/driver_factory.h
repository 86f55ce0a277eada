// Builds the hypervisor driver named by `--driver` together with the
// InstanceArtifacts that suit it (a driver and the files it needs go in
// pairs: the fake needs none, libvirt needs images, overlays and seeds).
// Pure wiring; not thread-safe (called once from main).
#pragma once

#include <memory>
#include <string>

#include <absl/status/statusor.h>

#include "agent/hypervisor/driver.h"
#include "agent/sync/instance_artifacts.h"
#include "common/clock.h"

namespace gureum::agent {

struct DriverOptions {
  std::string name = "fake";  // --driver
  // Capacity the fake offers (--vcpus, --memory-mib, --disk-gib).
  int fake_vcpus = 8;
  int64_t fake_memory_mib = 16384;
  int64_t fake_disk_gib = 200;
  // If set, fake guests are kept in this JSON file across agent restarts.
  std::string fake_state_file;
  // Where drivers that need files keep them (--data-dir).
  std::string data_dir = "/var/lib/gureum/agent";
};

struct AgentBackend {
  std::unique_ptr<HypervisorDriver> driver;
  std::unique_ptr<InstanceArtifacts> artifacts;
};

// InvalidArgument naming the known drivers if `options.name` is not one of
// them; the driver's own error if it cannot start. `clock` must outlive the
// result.
absl::StatusOr<AgentBackend> MakeAgentBackend(const DriverOptions& options, const Clock& clock);

}  // namespace gureum::agent
