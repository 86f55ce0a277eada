#include "agent/driver_factory.h"

#include <absl/strings/str_cat.h>

#include "agent/hypervisor/fake/fake_driver.h"
#include "agent/sync/no_artifacts.h"

namespace gureum::agent {
namespace {

absl::StatusOr<AgentBackend> MakeFake(const DriverOptions& options, const Clock& clock) {
  FakeDriverOptions fake;
  fake.capabilities.vcpus = options.fake_vcpus;
  fake.capabilities.memory_mib = options.fake_memory_mib;
  fake.capabilities.disk_gib = options.fake_disk_gib;
  AgentBackend backend;
  if (options.fake_state_file.empty()) {
    backend.driver = std::make_unique<FakeDriver>(clock, fake);
  } else {
    absl::StatusOr<std::unique_ptr<FakeDriver>> driver =
        FakeDriver::OpenPersistent(clock, fake, options.fake_state_file);
    if (!driver.ok()) return driver.status();
    backend.driver = std::move(*driver);
  }
  backend.artifacts = std::make_unique<NoArtifacts>();
  return backend;
}

}  // namespace

absl::StatusOr<AgentBackend> MakeAgentBackend(const DriverOptions& options, const Clock& clock) {
  if (options.name == "fake") return MakeFake(options, clock);
  // New drivers (libvirt) are added here, next to the artifacts they need.
  return absl::InvalidArgumentError(
      absl::StrCat("unknown driver '", options.name, "' (this build knows: fake)"));
}

}  // namespace gureum::agent
