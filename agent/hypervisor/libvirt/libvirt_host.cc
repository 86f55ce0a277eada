#include "agent/hypervisor/libvirt/libvirt_host.h"

#include <chrono>
#include <cstdlib>
#include <thread>
#include <utility>
#include <vector>

#include <absl/strings/str_cat.h>
#include <libvirt/virterror.h>
#include <spdlog/spdlog.h>

#include "agent/hypervisor/libvirt/libssh2_without_crypto.h"
#include "agent/hypervisor/libvirt/libvirt_error.h"

namespace gureum::agent {

struct LibvirtHost::EventSink {
  std::mutex mu;
  LibvirtHost* host = nullptr;  // guarded by mu; null once the host is gone
};

namespace {

// The one libvirt event loop of the process: libvirt allows a single
// registered implementation, run by a single thread. Reference-counted by the
// hosts using it.
class EventLoop {
 public:
  static EventLoop& Instance() {
    static EventLoop* loop = new EventLoop();  // never destroyed: outlives all hosts
    return *loop;
  }

  void Acquire() {
    std::lock_guard<std::mutex> lock(mu_);
    if (users_++ == 0) {
      stop_ = false;
      thread_ = std::thread([this] { Run(); });
    }
  }

  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    if (--users_ > 0) return;
    stop_ = true;
    // Adding a timer interrupts the loop's poll(), so Run() sees stop_.
    const int wakeup = virEventAddTimeout(
        0, [](int, void*) {}, nullptr, nullptr);
    thread_.join();
    if (wakeup >= 0) virEventRemoveTimeout(wakeup);
  }

 private:
  EventLoop() {
    // Before libvirt's global initialisation, which the calls below trigger.
    InitLibssh2WithoutCrypto();
    // libvirt prints every error to stderr by default; callers get them as
    // statuses instead.
    virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
    if (virEventRegisterDefaultImpl() < 0) {
      spdlog::error("libvirt: cannot register the default event loop implementation");
    }
  }

  void Run() {
    while (!stop_.load()) {
      if (virEventRunDefaultImpl() < 0) {
        spdlog::warn("libvirt event loop iteration failed: {}",
                     std::string(LastLibvirtError("event loop").message()));
        // Not a tight spin when the loop keeps failing.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }

  std::mutex mu_;
  int users_ = 0;  // guarded by mu_
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

using SinkRef = std::shared_ptr<LibvirtHost::EventSink>;

// libvirt owns one SinkRef per registration and frees it with this.
void FreeSinkRef(void* opaque) { delete static_cast<SinkRef*>(opaque); }

}  // namespace

LibvirtHost::LibvirtHost(std::string uri)
    : uri_(std::move(uri)), sink_(std::make_shared<EventSink>()) {
  sink_->host = this;
  EventLoop::Instance().Acquire();
}

LibvirtHost::~LibvirtHost() {
  {
    // Waits for a callback in progress; later ones find no host.
    std::lock_guard<std::mutex> lock(sink_->mu);
    sink_->host = nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    connection_.reset();
  }
  EventLoop::Instance().Release();
}

absl::StatusOr<ConnectionRef> LibvirtHost::Open() {
  virConnectPtr raw = virConnectOpen(uri_.c_str());
  if (raw == nullptr) {
    absl::Status error = LastLibvirtError("connect to " + uri_);
    return absl::UnavailableError(std::string(error.message()));
  }
  // Without keepalive a hung daemon is only noticed when a call times out.
  if (virConnectSetKeepAlive(raw, 5, 3) < 0) {
    spdlog::warn("libvirt {}: keepalive not enabled: {}", uri_,
                 std::string(LastLibvirtError("keepalive").message()));
  }

  // A plain function pointer, so that the same one can be unregistered.
  virConnectCloseFunc on_close = [](virConnectPtr, int reason, void* opaque) {
    const SinkRef& sink = *static_cast<SinkRef*>(opaque);
    std::lock_guard<std::mutex> lock(sink->mu);
    if (sink->host != nullptr) sink->host->OnConnectionClosed(reason);
  };
  auto* close_sink = new SinkRef(sink_);
  if (virConnectRegisterCloseCallback(raw, on_close, close_sink, FreeSinkRef) < 0) {
    delete close_sink;  // libvirt frees it only once registered
    spdlog::warn("libvirt {}: no close callback: {}", uri_,
                 std::string(LastLibvirtError("close callback").message()));
  }

  auto on_lifecycle = [](virConnectPtr, virDomainPtr domain, int, int, void* opaque) -> int {
    const SinkRef& sink = *static_cast<SinkRef*>(opaque);
    const char* name = virDomainGetName(domain);
    std::lock_guard<std::mutex> lock(sink->mu);
    if (sink->host != nullptr && name != nullptr) sink->host->OnDomainEvent(name);
    return 0;
  };
  auto* lifecycle_sink = new SinkRef(sink_);
  const int lifecycle_id = virConnectDomainEventRegisterAny(
      raw, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
      // libvirt takes every event callback as the generic type and calls it
      // with the lifecycle signature; void(*)() is the sanctioned detour.
      reinterpret_cast<virConnectDomainEventGenericCallback>(
          reinterpret_cast<void (*)()>(+on_lifecycle)),
      lifecycle_sink, FreeSinkRef);
  if (lifecycle_id < 0) {
    delete lifecycle_sink;
    spdlog::warn("libvirt {}: no lifecycle events: {}", uri_,
                 std::string(LastLibvirtError("lifecycle events").message()));
  }

  auto on_reboot = [](virConnectPtr, virDomainPtr domain, void* opaque) {
    const SinkRef& sink = *static_cast<SinkRef*>(opaque);
    const char* name = virDomainGetName(domain);
    std::lock_guard<std::mutex> lock(sink->mu);
    if (sink->host != nullptr && name != nullptr) sink->host->OnGuestReset(name);
  };
  auto* reboot_sink = new SinkRef(sink_);
  const int reboot_id =
      virConnectDomainEventRegisterAny(raw, nullptr, VIR_DOMAIN_EVENT_ID_REBOOT,
                                       reinterpret_cast<virConnectDomainEventGenericCallback>(
                                           reinterpret_cast<void (*)()>(+on_reboot)),
                                       reboot_sink, FreeSinkRef);
  if (reboot_id < 0) {
    delete reboot_sink;
    spdlog::warn("libvirt {}: no reboot events: {}", uri_,
                 std::string(LastLibvirtError("reboot events").message()));
  }

  const int opened = ++connections_opened_;
  spdlog::info("libvirt: connected to {} (connection #{})", uri_, opened);
  return ConnectionRef(raw, [lifecycle_id, reboot_id, on_close](virConnectPtr conn) {
    // On a dead connection these fail harmlessly; the close frees the rest.
    if (lifecycle_id >= 0) virConnectDomainEventDeregisterAny(conn, lifecycle_id);
    if (reboot_id >= 0) virConnectDomainEventDeregisterAny(conn, reboot_id);
    virConnectUnregisterCloseCallback(conn, on_close);
    virConnectClose(conn);
  });
}

absl::StatusOr<ConnectionRef> LibvirtHost::Connection() {
  std::lock_guard<std::mutex> lock(mu_);
  if (connection_ != nullptr && virConnectIsAlive(connection_.get()) == 1) return connection_;
  if (connection_ != nullptr) {
    spdlog::warn("libvirt: connection to {} lost; reconnecting", uri_);
    connection_.reset();
  }
  absl::StatusOr<ConnectionRef> opened = Open();
  if (!opened.ok()) return opened.status();
  connection_ = *std::move(opened);
  return connection_;
}

void LibvirtHost::SetDomainEventCallback(DomainEventCallback callback) {
  std::lock_guard<std::mutex> lock(callback_mu_);
  callback_ = std::move(callback);
}

void LibvirtHost::SetGuestResetCallback(GuestResetCallback callback) {
  std::lock_guard<std::mutex> lock(callback_mu_);
  reset_callback_ = std::move(callback);
}

void LibvirtHost::OnDomainEvent(const std::string& domain_name) {
  std::lock_guard<std::mutex> lock(callback_mu_);
  if (callback_) callback_(domain_name);
}

void LibvirtHost::OnGuestReset(const std::string& domain_name) {
  std::lock_guard<std::mutex> lock(callback_mu_);
  if (reset_callback_) reset_callback_(domain_name);
}

void LibvirtHost::OnConnectionClosed(int reason) {
  spdlog::warn("libvirt: connection to {} closed (reason {}: {})", uri_, reason,
               reason == VIR_CONNECT_CLOSE_REASON_EOF         ? "daemon went away"
               : reason == VIR_CONNECT_CLOSE_REASON_KEEPALIVE ? "keepalive timeout"
               : reason == VIR_CONNECT_CLOSE_REASON_ERROR     ? "I/O error"
                                                              : "client closed");
  OnDomainEvent("");
}

absl::StatusOr<NodeCapacity> LibvirtHost::Capacity() {
  absl::StatusOr<ConnectionRef> conn = Connection();
  if (!conn.ok()) return conn.status();
  virNodeInfo info{};
  if (virNodeGetInfo(conn->get(), &info) < 0) return LastLibvirtError("read host CPU and memory");
  NodeCapacity capacity{static_cast<int>(info.cpus), static_cast<int64_t>(info.memory / 1024)};
  // virNodeGetInfo's memory is what the NUMA nodes report, which can be far
  // below the host's total (hot-plugged memory on some VMs); the memory
  // statistics' "total" is /proc/meminfo's MemTotal.
  int nparams = 0;
  if (virNodeGetMemoryStats(conn->get(), VIR_NODE_MEMORY_STATS_ALL_CELLS, nullptr, &nparams, 0) ==
          0 &&
      nparams > 0) {
    std::vector<virNodeMemoryStats> stats(static_cast<size_t>(nparams));
    if (virNodeGetMemoryStats(conn->get(), VIR_NODE_MEMORY_STATS_ALL_CELLS, stats.data(), &nparams,
                              0) == 0) {
      for (int i = 0; i < nparams; ++i) {
        if (std::string(stats[i].field) == VIR_NODE_MEMORY_STATS_TOTAL) {
          capacity.memory_mib = static_cast<int64_t>(stats[i].value / 1024);
        }
      }
    }
  }
  return capacity;
}

absl::StatusOr<std::string> LibvirtHost::DomainCapabilitiesXml(const std::string& virt_type) {
  absl::StatusOr<ConnectionRef> conn = Connection();
  if (!conn.ok()) return conn.status();
  char* xml = virConnectGetDomainCapabilities(conn->get(), nullptr, "x86_64", nullptr,
                                              virt_type.c_str(), 0);
  if (xml == nullptr) {
    return LastLibvirtError(absl::StrCat("read domain capabilities for ", virt_type));
  }
  std::string result(xml);
  free(xml);
  return result;
}

absl::StatusOr<VirtTypeChoice> LibvirtHost::ChooseVirtType(const std::string& requested) {
  if (requested != "auto") return gureum::agent::ChooseVirtType(requested, std::string());
  absl::StatusOr<std::string> caps = DomainCapabilitiesXml("kvm");
  // A lost daemon says nothing about KVM: do not decide on it.
  if (absl::IsUnavailable(caps.status())) return caps.status();
  return gureum::agent::ChooseVirtType(requested, caps);
}

}  // namespace gureum::agent
