// LibvirtHost: the connection to one libvirt daemon (a URI such as
// qemu:///system), kept alive across daemon restarts, plus what the host
// offers (CPUs, memory, the kvm/qemu choice) and domain lifecycle events.
// Thread-safe: every method may be called from any thread.
//
// libvirt delivers events and notices a dead daemon only while an event loop
// runs; the first LibvirtHost starts a process-wide loop thread
// (virEventRegisterDefaultImpl + virEventRunDefaultImpl) and the last one
// stops it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <libvirt/libvirt.h>

#include "agent/hypervisor/libvirt/virt_type_choice.h"

namespace gureum::agent {

// A connection shared by the calls using it; closed when the last holder lets
// go, so a reconnect never pulls it from under a call in flight.
using ConnectionRef = std::shared_ptr<virConnect>;

struct NodeCapacity {
  int cpus = 0;
  int64_t memory_mib = 0;
};

class LibvirtHost {
 public:
  // Called on the event loop thread with a domain's name when its lifecycle
  // changes (started, stopped, defined, ...), and with "" when the connection
  // to the daemon was lost (anything may have changed). Must not block.
  using DomainEventCallback = std::function<void(const std::string& domain_name)>;
  // Called on the event loop thread with a domain's name when its guest
  // reset (rebooted) while staying running: what an ACPI reboot the guest
  // obeyed looks like. Must not block.
  using GuestResetCallback = std::function<void(const std::string& domain_name)>;

  explicit LibvirtHost(std::string uri);
  ~LibvirtHost();
  LibvirtHost(const LibvirtHost&) = delete;
  LibvirtHost& operator=(const LibvirtHost&) = delete;

  // A live connection: the current one, or a new one when the daemon closed
  // or restarted since. Unavailable if the daemon cannot be reached.
  absl::StatusOr<ConnectionRef> Connection();

  void SetDomainEventCallback(DomainEventCallback callback);
  void SetGuestResetCallback(GuestResetCallback callback);

  // CPUs and memory of the host (virNodeGetInfo).
  absl::StatusOr<NodeCapacity> Capacity();

  // virConnectGetDomainCapabilities for x86_64 and the given virt type.
  absl::StatusOr<std::string> DomainCapabilitiesXml(const std::string& virt_type);

  // kvm or qemu for `requested` ("auto" | "kvm" | "qemu"), with the reason.
  absl::StatusOr<VirtTypeChoice> ChooseVirtType(const std::string& requested);

  const std::string& uri() const { return uri_; }
  // How many connections were opened so far (1 after the first, more after
  // daemon restarts).
  int connections_opened() const { return connections_opened_.load(); }

  // Shared with libvirt's callbacks, which may outlive this object briefly:
  // they only reach the host through it, under its mutex.
  struct EventSink;

 private:
  absl::StatusOr<ConnectionRef> Open();
  void OnDomainEvent(const std::string& domain_name);
  void OnGuestReset(const std::string& domain_name);
  void OnConnectionClosed(int reason);

  const std::string uri_;
  std::shared_ptr<EventSink> sink_;
  std::atomic<int> connections_opened_{0};
  std::atomic<bool> closed_by_daemon_{false};

  std::mutex mu_;
  ConnectionRef connection_;  // guarded by mu_
  std::mutex callback_mu_;
  DomainEventCallback callback_;       // guarded by callback_mu_
  GuestResetCallback reset_callback_;  // guarded by callback_mu_
};

}  // namespace gureum::agent
