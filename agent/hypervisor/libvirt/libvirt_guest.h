// LibvirtGuest: one libvirt domain (an owned virDomainPtr) and the operations
// Gureum performs on it, plus the table that maps libvirt's states and
// reasons onto PowerState. Move-only; not for concurrent use of one object
// (libvirt itself serializes operations on a domain, so separate objects for
// the same domain are fine).
#pragma once

#include <memory>
#include <string>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <libvirt/libvirt.h>

#include "agent/hypervisor/driver.h"

namespace gureum::agent {

struct GuestState {
  PowerState power = PowerState::kShutoff;
  std::string reason;  // e.g. "booted", "guest shut down", "powered off"
  bool operator==(const GuestState&) const = default;
};

class LibvirtGuest {
 public:
  // Takes ownership of `domain` (non-null).
  explicit LibvirtGuest(virDomainPtr domain);

  // NotFound if no domain has this name.
  static absl::StatusOr<LibvirtGuest> LookupByName(virConnectPtr conn, const std::string& name);
  // Defines a persistent domain from XML, validated against libvirt's schema.
  static absl::StatusOr<LibvirtGuest> Define(virConnectPtr conn, const std::string& xml);

  // The state table: virDomainState + reason -> PowerState and a reason text.
  static GuestState MapState(int libvirt_state, int libvirt_reason);

  const std::string& Name() const { return name_; }
  absl::StatusOr<GuestState> State() const;
  // True while a QEMU process exists for it (running, paused, shutting down).
  absl::StatusOr<bool> IsActive() const;

  // FailedPrecondition (from libvirt's "operation invalid") when the domain is
  // in the wrong state for the request.
  absl::Status Start();
  // Starts QEMU with its vCPUs stopped; Resume lets them run.
  absl::Status StartPaused();
  absl::Status Resume();
  absl::Status Shutdown();  // ACPI power button; returns at once
  absl::Status Destroy();   // pull the plug
  absl::Status Reboot();    // ACPI; the domain stays active across it
  // The reset button: the guest restarts at once, in the same QEMU process
  // (one step, so nothing can interrupt it half done).
  absl::Status Reset();
  // Removes the definition with its managed save, snapshot, checkpoint and
  // NVRAM metadata (a plain undefine refuses domains that have any).
  absl::Status Undefine();

  // Our metadata element (unprefixed) from the current definition: the live
  // one while active, else the persistent one. NotFound if there is none.
  absl::StatusOr<std::string> Metadata(const std::string& ns_uri) const;
  // Replaces our metadata element in the persistent definition and, while
  // active, the live one, so they never disagree.
  absl::Status SetMetadata(const std::string& prefix, const std::string& ns_uri,
                           const std::string& xml);

 private:
  absl::Status Fail(const std::string& what) const;

  struct Free {
    void operator()(virDomainPtr domain) const { virDomainFree(domain); }
  };
  std::unique_ptr<virDomain, Free> domain_;
  // Kept, not fetched on demand: every libvirt call, virDomainGetName too,
  // clears the thread's last error, which Fail() still has to read.
  std::string name_;
};

}  // namespace gureum::agent
