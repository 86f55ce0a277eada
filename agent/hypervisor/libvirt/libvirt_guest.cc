#include "agent/hypervisor/libvirt/libvirt_guest.h"

#include <cstdlib>

#include <libvirt/virterror.h>

#include "agent/hypervisor/libvirt/libvirt_error.h"

namespace gureum::agent {
namespace {

std::string RunningReason(int reason) {
  switch (reason) {
    case VIR_DOMAIN_RUNNING_BOOTED:
      return "booted";
    case VIR_DOMAIN_RUNNING_MIGRATED:
      return "migrated in";
    case VIR_DOMAIN_RUNNING_RESTORED:
      return "restored from a saved state";
    case VIR_DOMAIN_RUNNING_FROM_SNAPSHOT:
      return "reverted to a snapshot";
    case VIR_DOMAIN_RUNNING_UNPAUSED:
      return "resumed";
    case VIR_DOMAIN_RUNNING_MIGRATION_CANCELED:
      return "migration canceled";
    case VIR_DOMAIN_RUNNING_SAVE_CANCELED:
      return "save canceled";
    case VIR_DOMAIN_RUNNING_WAKEUP:
      return "woken up";
    case VIR_DOMAIN_RUNNING_CRASHED:
      return "running after a crash";
    default:
      return "running";
  }
}

std::string ShutoffReason(int reason) {
  switch (reason) {
    case VIR_DOMAIN_SHUTOFF_SHUTDOWN:
      return "guest shut down";
    case VIR_DOMAIN_SHUTOFF_DESTROYED:
      return "powered off";
    case VIR_DOMAIN_SHUTOFF_CRASHED:
      return "crashed";
    case VIR_DOMAIN_SHUTOFF_MIGRATED:
      return "migrated away";
    case VIR_DOMAIN_SHUTOFF_SAVED:
      return "saved";
    case VIR_DOMAIN_SHUTOFF_FAILED:
      return "failed to start";
    case VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT:
      return "reverted to a snapshot";
    case VIR_DOMAIN_SHUTOFF_DAEMON:
      return "stopped by the daemon";
    default:
      return "shut off";
  }
}

std::string PausedReason(int reason) {
  switch (reason) {
    case VIR_DOMAIN_PAUSED_USER:
      return "paused by a user";
    case VIR_DOMAIN_PAUSED_MIGRATION:
      return "paused for migration";
    case VIR_DOMAIN_PAUSED_SAVE:
      return "paused for a save";
    case VIR_DOMAIN_PAUSED_DUMP:
      return "paused for a core dump";
    case VIR_DOMAIN_PAUSED_IOERROR:
      return "paused on a disk I/O error";
    case VIR_DOMAIN_PAUSED_WATCHDOG:
      return "paused by the watchdog";
    case VIR_DOMAIN_PAUSED_SHUTTING_DOWN:
      return "paused while shutting down";
    case VIR_DOMAIN_PAUSED_CRASHED:
      return "paused after a crash";
    case VIR_DOMAIN_PAUSED_STARTING_UP:
      return "starting up";
    default:
      return "paused";
  }
}

}  // namespace

LibvirtGuest::LibvirtGuest(virDomainPtr domain) : domain_(domain) {
  const char* name = virDomainGetName(domain);
  name_ = name != nullptr ? name : "";
}

absl::StatusOr<LibvirtGuest> LibvirtGuest::LookupByName(virConnectPtr conn,
                                                        const std::string& name) {
  virDomainPtr domain = virDomainLookupByName(conn, name.c_str());
  if (domain == nullptr) return LastLibvirtError("look up domain " + name);
  return LibvirtGuest(domain);
}

absl::StatusOr<LibvirtGuest> LibvirtGuest::Define(virConnectPtr conn, const std::string& xml) {
  virDomainPtr domain = virDomainDefineXMLFlags(conn, xml.c_str(), VIR_DOMAIN_DEFINE_VALIDATE);
  if (domain == nullptr) return LastLibvirtError("define domain");
  return LibvirtGuest(domain);
}

GuestState LibvirtGuest::MapState(int libvirt_state, int libvirt_reason) {
  switch (libvirt_state) {
    case VIR_DOMAIN_RUNNING:
      return {PowerState::kRunning, RunningReason(libvirt_reason)};
    // Blocked means waiting on a resource: the guest is still up.
    case VIR_DOMAIN_BLOCKED:
      return {PowerState::kRunning, "blocked on a resource"};
    case VIR_DOMAIN_PAUSED:
      return {PowerState::kPaused, PausedReason(libvirt_reason)};
    case VIR_DOMAIN_SHUTDOWN:
      return {PowerState::kShuttingDown, libvirt_reason == VIR_DOMAIN_SHUTDOWN_USER
                                             ? "shutting down on request"
                                             : "shutting down"};
    case VIR_DOMAIN_SHUTOFF:
      return {PowerState::kShutoff, ShutoffReason(libvirt_reason)};
    case VIR_DOMAIN_CRASHED:
      return {PowerState::kCrashed,
              libvirt_reason == VIR_DOMAIN_CRASHED_PANICKED ? "guest panicked" : "crashed"};
    // Suspended to RAM by the guest: not running, memory kept.
    case VIR_DOMAIN_PMSUSPENDED:
      return {PowerState::kPaused, "suspended by the guest"};
    // NOSTATE is only seen while a domain is set up or torn down.
    default:
      return {PowerState::kShutoff, "no state reported"};
  }
}

absl::Status LibvirtGuest::Fail(const std::string& what) const {
  return LastLibvirtError(what + " " + Name());
}

absl::StatusOr<GuestState> LibvirtGuest::State() const {
  int state = 0;
  int reason = 0;
  if (virDomainGetState(domain_.get(), &state, &reason, 0) < 0) return Fail("read state of");
  return MapState(state, reason);
}

absl::StatusOr<bool> LibvirtGuest::IsActive() const {
  const int active = virDomainIsActive(domain_.get());
  if (active < 0) return Fail("check whether active:");
  return active == 1;
}

absl::Status LibvirtGuest::Start() {
  if (virDomainCreate(domain_.get()) < 0) return Fail("start");
  return absl::OkStatus();
}

absl::Status LibvirtGuest::StartPaused() {
  if (virDomainCreateWithFlags(domain_.get(), VIR_DOMAIN_START_PAUSED) < 0) return Fail("start");
  return absl::OkStatus();
}

absl::Status LibvirtGuest::Resume() {
  if (virDomainResume(domain_.get()) < 0) return Fail("resume");
  return absl::OkStatus();
}

absl::Status LibvirtGuest::Shutdown() {
  if (virDomainShutdownFlags(domain_.get(), VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) < 0) {
    return Fail("shut down");
  }
  return absl::OkStatus();
}

absl::Status LibvirtGuest::Destroy() {
  if (virDomainDestroy(domain_.get()) < 0) return Fail("power off");
  return absl::OkStatus();
}

absl::Status LibvirtGuest::Reset() {
  if (virDomainReset(domain_.get(), 0) < 0) return Fail("reset");
  return absl::OkStatus();
}

absl::Status LibvirtGuest::Reboot() {
  if (virDomainReboot(domain_.get(), VIR_DOMAIN_REBOOT_ACPI_POWER_BTN) < 0) return Fail("reboot");
  return absl::OkStatus();
}

absl::Status LibvirtGuest::Undefine() {
  const unsigned int flags = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                             VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA | VIR_DOMAIN_UNDEFINE_NVRAM |
                             VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA | VIR_DOMAIN_UNDEFINE_TPM;
  if (virDomainUndefineFlags(domain_.get(), flags) < 0) return Fail("undefine");
  return absl::OkStatus();
}

absl::StatusOr<std::string> LibvirtGuest::Metadata(const std::string& ns_uri) const {
  char* xml = virDomainGetMetadata(domain_.get(), VIR_DOMAIN_METADATA_ELEMENT, ns_uri.c_str(),
                                   VIR_DOMAIN_AFFECT_CURRENT);
  if (xml == nullptr) return Fail("read metadata of");
  std::string result(xml);
  free(xml);
  return result;
}

absl::Status LibvirtGuest::SetMetadata(const std::string& prefix, const std::string& ns_uri,
                                       const std::string& xml) {
  absl::StatusOr<bool> active = IsActive();
  if (!active.ok()) return active.status();
  unsigned int flags = VIR_DOMAIN_AFFECT_CONFIG | (*active ? VIR_DOMAIN_AFFECT_LIVE : 0);
  if (virDomainSetMetadata(domain_.get(), VIR_DOMAIN_METADATA_ELEMENT, xml.c_str(), prefix.c_str(),
                           ns_uri.c_str(), flags) == 0) {
    return absl::OkStatus();
  }
  // It stopped between the check and the write: the persistent copy is all
  // that is left to update.
  if (*active && LastLibvirtErrorCode() == VIR_ERR_OPERATION_INVALID &&
      virDomainSetMetadata(domain_.get(), VIR_DOMAIN_METADATA_ELEMENT, xml.c_str(), prefix.c_str(),
                           ns_uri.c_str(), VIR_DOMAIN_AFFECT_CONFIG) == 0) {
    return absl::OkStatus();
  }
  return Fail("write metadata of");
}

}  // namespace gureum::agent
