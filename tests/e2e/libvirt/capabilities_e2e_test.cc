// End-to-end: what the driver reports about the host, and the virt type it
// chose.
#include <sys/statvfs.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "agent/hypervisor/libvirt/virt_type_choice.h"
#include "tests/e2e/libvirt/e2e_env.h"

namespace gureum::agent::testing {
namespace {

int64_t MemTotalMib() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  int64_t kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemTotal:") return kib / 1024;
    meminfo.ignore(256, '\n');
  }
  return 0;
}

TEST_CASE("the libvirt driver reports host capacity and its virt type with a reason") {
  // This test verifies that Capabilities matches the host's CPUs, memory and
  // the data dir's filesystem, and that the automatic virt type is kvm
  // exactly when libvirt offers a real x86-64 CPU model for kvm.
  E2eEnv env;
  absl::StatusOr<HostCapabilities> caps = env.driver->Capabilities();
  REQUIRE(caps.ok());
  CHECK(caps->vcpus == sysconf(_SC_NPROCESSORS_ONLN));
  const int64_t mem = MemTotalMib();
  CHECK(caps->memory_mib > mem * 95 / 100);
  CHECK(caps->memory_mib < mem * 105 / 100);
  struct statvfs fs {};
  REQUIRE(statvfs(env.dir.path().c_str(), &fs) == 0);
  CHECK(caps->disk_gib == static_cast<int64_t>(fs.f_blocks * fs.f_frsize >> 30));
  CHECK(caps->disk_gib > 0);
  CHECK(caps->hypervisor_type == "libvirt");

  const VirtTypeChoice& choice = env.driver->virt_type_choice();
  CHECK(caps->virt_type == choice.virt_type);
  CHECK_FALSE(choice.reason.empty());
  absl::StatusOr<std::string> kvm_caps = env.driver->host().DomainCapabilitiesXml("kvm");
  const bool kvm_offers_models = kvm_caps.ok() && ModernUsableCpuModels(*kvm_caps).ok() &&
                                 !ModernUsableCpuModels(*kvm_caps)->empty();
  CHECK(choice.virt_type == (kvm_offers_models ? "kvm" : "qemu"));
  WARN("virt type here: " << choice.virt_type << " (" << choice.reason << ")");
}

TEST_CASE("the libvirt driver honours a forced virt type and rejects an unknown one") {
  // This test verifies that virt_type kvm or qemu is taken as configured, and
  // that anything else fails Create with InvalidArgument.
  ManualClock clock;
  for (const std::string forced : {"kvm", "qemu"}) {
    LibvirtDriverOptions options;
    options.virt_type = forced;
    absl::StatusOr<std::unique_ptr<LibvirtDriver>> driver = LibvirtDriver::Create(options, &clock);
    REQUIRE(driver.ok());
    CHECK((*driver)->virt_type_choice().virt_type == forced);
  }
  LibvirtDriverOptions bad;
  bad.virt_type = "xen";
  CHECK(absl::IsInvalidArgument(LibvirtDriver::Create(bad, &clock).status()));
}

TEST_CASE("the libvirt driver fails to start with Unavailable when the daemon is unreachable") {
  // This test verifies that Create reports an unreachable libvirt daemon as
  // Unavailable (so the agent retries) rather than as a bad configuration.
  ManualClock clock;
  LibvirtDriverOptions options;
  options.uri = "qemu+unix:///system?socket=/nonexistent/gureum-e2e.sock";
  CHECK(absl::IsUnavailable(LibvirtDriver::Create(options, &clock).status()));
}

}  // namespace
}  // namespace gureum::agent::testing
