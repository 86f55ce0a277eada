// LibvirtDriver: the HypervisorDriver that runs guests under libvirt/QEMU.
// It names each domain gureum-<instance id> and marks it with Gureum's
// metadata (and its owner); domains without that mark, or with another
// owner's, are never listed or touched. Libvirt
// handles, XML and error codes stay inside; callers see absl statuses.
// Thread-safe: libvirt calls may run concurrently; read-modify-write of a
// domain's metadata and Define's check-then-define are serialized.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/hypervisor/driver.h"
#include "agent/hypervisor/libvirt/domain_xml.h"
#include "agent/hypervisor/libvirt/libvirt_guest.h"
#include "agent/hypervisor/libvirt/libvirt_host.h"
#include "agent/hypervisor/libvirt/libvirt_network.h"
#include "agent/hypervisor/libvirt/virt_type_choice.h"
#include "common/clock.h"

namespace gureum::agent {

struct LibvirtDriverOptions {
  std::string uri = "qemu:///system";
  std::string virt_type = "auto";  // "auto" | "kvm" | "qemu"
  // The network a NIC joins when the spec names none.
  std::string default_network = "default";
  // Where the agent keeps images and instance files; its filesystem's size is
  // the disk capacity reported.
  std::string data_dir = "/var/lib/gureum";
  // Marks the domains this driver defines; domains another owner marked are
  // neither listed nor touched, so that several agents can share one daemon
  // (the agent uses its data directory). Empty: every Gureum domain is ours.
  // Domains without a mark are adopted by any owner.
  std::string owner;
  // An ACPI reboot the guest has not carried out after this long becomes a
  // hard reboot (a reset), as EC2 does.
  std::chrono::milliseconds reboot_timeout{120'000};
};

class LibvirtDriver final : public HypervisorDriver {
 public:
  // Connects to the daemon and chooses the virt type (logged with its
  // reason). Unavailable if the daemon cannot be reached; InvalidArgument for
  // a bad virt_type. `clock` (not owned) stamps boot times and must outlive
  // the driver.
  static absl::StatusOr<std::unique_ptr<LibvirtDriver>> Create(LibvirtDriverOptions options,
                                                               const Clock* clock);
  ~LibvirtDriver() override;

  // `callback(instance_id)` runs on libvirt's event thread when a Gureum
  // domain changes lifecycle state, and `callback("")` when the connection to
  // the daemon was lost, so the agent can converge early. Must not block.
  void SetDomainChangedCallback(std::function<void(const std::string& instance_id)> callback);

  const VirtTypeChoice& virt_type_choice() const { return virt_type_; }
  LibvirtHost& host() { return *host_; }
  // The network by name (created on first use), for EnsureActive at agent
  // start and for inspecting reservations.
  LibvirtNetwork& Network(const std::string& name);

  absl::StatusOr<HostCapabilities> Capabilities() override;
  // Also ensures the NIC's network runs. When the spec has a MAC and
  // metadata["private_ip"], the domain's metadata records the reservation of
  // that IP for the MAC, which Start makes.
  absl::Status Define(const DomainSpec& spec) override;
  // Makes the DHCP reservation recorded at Define (if not already there)
  // while QEMU starts paused, then lets the guest run: it never boots
  // without its address reserved. A failed reservation powers it off again.
  // A paused domain (an earlier Start interrupted before the resume) gets
  // its reservation and is resumed.
  absl::Status Start(const std::string& instance_id) override;
  absl::Status Shutdown(const std::string& instance_id) override;
  absl::Status PowerOff(const std::string& instance_id) override;
  // An ACPI reboot request. The guest resetting is what completes it (libvirt
  // reports it as a reboot event); one that has not within reboot_timeout is
  // reset (the reset button) by the next List(). Pending reboots live in
  // memory: after an agent restart an ignored reboot is not escalated.
  absl::Status Reboot(const std::string& instance_id) override;
  // Also removes the DHCP reservation Start made and releases the guest's
  // DHCP lease (best effort: a failure is logged, the lease then expires).
  absl::Status Undefine(const std::string& instance_id) override;
  absl::Status SetMetadata(const std::string& instance_id,
                           const std::map<std::string, std::string>& metadata) override;
  absl::StatusOr<DomainInfo> Info(const std::string& instance_id) override;
  // Also carries out the hard reboots that are due (see Reboot).
  absl::StatusOr<std::vector<DomainInfo>> List() override;
  absl::StatusOr<std::string> ConsoleOutput(const std::string& instance_id,
                                            int64_t max_bytes) override;

 private:
  // A Gureum domain with its metadata; the connection keeps it reachable.
  struct Owned {
    ConnectionRef conn;
    LibvirtGuest guest;
    InstanceMetadata metadata;
  };

  LibvirtDriver(LibvirtDriverOptions options, const Clock* clock, std::unique_ptr<LibvirtHost> host,
                VirtTypeChoice virt_type);

  // NotFound unless a domain of that name exists and carries Gureum's mark
  // (and no other owner's).
  absl::StatusOr<Owned> FindOwned(const std::string& instance_id);
  bool IsOurs(const InstanceMetadata& metadata) const;
  absl::StatusOr<DomainInfo> Describe(const Owned& owned);
  // Starts the domain with its DHCP reservation in place before the guest
  // runs (made alongside QEMU's start).
  absl::Status StartWithReservation(Owned& owned);
  // The rest of a start that stopped after QEMU started paused: reservation,
  // then resume.
  absl::Status FinishPausedStart(Owned& owned, const GuestState& state);
  // Powers the guest off if it is running; false if it was not. A guest that
  // stops while being powered off counts as powered off.
  static absl::StatusOr<bool> PowerOffIfRunning(LibvirtGuest& guest);
  absl::Status WriteMetadata(LibvirtGuest& guest, const InstanceMetadata& metadata);
  // Forgets a pending reboot (the guest reset, or power was changed since).
  void ForgetReboot(const std::string& instance_id);
  // Resets each running guest whose ACPI reboot is overdue.
  void HardRebootOverdue();

  // Runs a read-only operation, once more if it failed because the daemon went
  // away since the last call (the retry reconnects).
  template <typename Fn>
  auto RetryIfDisconnected(Fn fn) -> decltype(fn());

  const LibvirtDriverOptions options_;
  const Clock* const clock_;
  std::unique_ptr<LibvirtHost> host_;
  const VirtTypeChoice virt_type_;

  // Serializes Define's check-then-define and every metadata
  // read-modify-write, so concurrent calls cannot lose an update.
  std::mutex mu_;
  std::mutex networks_mu_;
  std::map<std::string, std::unique_ptr<LibvirtNetwork>> networks_;  // guarded by networks_mu_
  std::mutex reboots_mu_;
  std::map<std::string, int64_t> reboot_deadlines_ms_;  // instance id -> ms; guarded by reboots_mu_
};

}  // namespace gureum::agent
