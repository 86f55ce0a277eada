// HypervisorDriver: the seam between the agent and a hypervisor.
//
// The agent's sync loop converges desired state through this interface only.
// LibvirtDriver (hypervisor/libvirt/) is the real one; FakeDriver
// (hypervisor/fake/) keeps domains in memory with the same semantics and the
// same errors, and documents them. Hypervisor ids, XML and error codes never
// leave the implementation. Implementations must be thread-safe.
//
// A domain belongs to exactly one Gureum instance and is named after it. Only
// domains Gureum owns are ever listed or touched.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

namespace gureum::agent {

// Everything needed to define one guest. Paths are prepared by the agent
// (image cache, overlay, seed) before Define is called; a driver that needs no
// files (the fake) ignores them.
struct DomainSpec {
  std::string instance_id;
  int vcpus = 1;
  int64_t memory_mib = 512;
  std::string disk_path;    // qcow2 overlay (or raw) used as the root disk
  std::string disk_format;  // "qcow2" | "raw"
  std::string kernel_path;  // direct boot: kernel/initrd/cmdline; empty = boot from disk
  std::string initrd_path;
  std::string kernel_args;
  std::string seed_iso_path;  // cloud-init NoCloud seed, attached as a cdrom
  std::string mac_address;    // "52:54:00:xx:xx:xx"
  std::string network;        // libvirt network name
  std::string console_log_path;
  // Small key/value facts the agent wants back after a restart (e.g. the
  // applied reboot token). Kept with the domain (libvirt metadata).
  std::map<std::string, std::string> metadata;
};

enum class PowerState {
  kRunning,
  kShutoff,  // defined, not running
  kShuttingDown,
  kPaused,
  kCrashed,
};

const char* PowerStateName(PowerState state);

struct DomainInfo {
  std::string instance_id;
  PowerState state = PowerState::kShutoff;
  int64_t boot_time_ms = 0;  // when it was last started (0 if not running)
  std::string state_reason;  // why it is in this state, as the hypervisor says
  std::map<std::string, std::string> metadata;
};

struct HostCapabilities {
  int vcpus = 0;
  int64_t memory_mib = 0;
  int64_t disk_gib = 0;
  std::string hypervisor_type;  // "fake" | "libvirt"
  std::string virt_type;        // "fake" | "kvm" | "qemu"
};

class HypervisorDriver {
 public:
  virtual ~HypervisorDriver() = default;

  // What this host offers. May be called at any time.
  virtual absl::StatusOr<HostCapabilities> Capabilities() = 0;

  // Defines a persistent, stopped domain. AlreadyExists if one with this
  // instance id exists; InvalidArgument if the spec is unusable.
  virtual absl::Status Define(const DomainSpec& spec) = 0;

  // Starts a defined domain. A start is several steps (QEMU starts with its
  // vCPUs paused while the guest's DHCP reservation is made, then they run):
  // a domain that an interrupted Start left kPaused is finished by calling
  // Start again (the reservation is made if missing and the guest resumes),
  // so the caller decides, from what it recorded before the first call,
  // whether a paused domain is its own unfinished start. NotFound if
  // undefined; FailedPrecondition if running or shutting down. Unavailable
  // when the hypervisor was lost mid-call: the domain may then be shut off,
  // paused or (rarely) running, and the next List says which.
  virtual absl::Status Start(const std::string& instance_id) = 0;

  // Asks the guest to shut down (ACPI) and returns at once; the domain reaches
  // kShutoff when the guest complies. NotFound; FailedPrecondition if not running.
  virtual absl::Status Shutdown(const std::string& instance_id) = 0;

  // Pulls the plug: kShutoff at once. NotFound; FailedPrecondition if not
  // running when called. A guest that stops while being powered off (by
  // itself, or by a restarting libvirtd) counts as powered off.
  virtual absl::Status PowerOff(const std::string& instance_id) = 0;

  // Reboots a running guest (the domain stays running). NotFound;
  // FailedPrecondition if not running.
  virtual absl::Status Reboot(const std::string& instance_id) = 0;

  // Removes the definition, powering off first if needed. NotFound if absent.
  // Files named in the spec are the agent's to delete, not the driver's.
  virtual absl::Status Undefine(const std::string& instance_id) = 0;

  // Replaces the metadata kept with a domain. NotFound if absent.
  virtual absl::Status SetMetadata(const std::string& instance_id,
                                   const std::map<std::string, std::string>& metadata) = 0;

  // One domain. NotFound if absent.
  virtual absl::StatusOr<DomainInfo> Info(const std::string& instance_id) = 0;

  // Every domain Gureum owns on this host.
  virtual absl::StatusOr<std::vector<DomainInfo>> List() = 0;

  // The last `max_bytes` of the serial console. NotFound if absent.
  virtual absl::StatusOr<std::string> ConsoleOutput(const std::string& instance_id,
                                                    int64_t max_bytes) = 0;
};

}  // namespace gureum::agent
