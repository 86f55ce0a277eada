// DomainEventRecorder: the benchmark's own libvirt connection with
// libvirt's default event loop on a thread of its own, recording for each
// domain name the wall-clock time (ms since the epoch) at which its guest
// first ran: VIR_DOMAIN_EVENT_STARTED, or, for a domain started paused
// (STARTED then SUSPENDED), the RESUMED that let its vCPUs run. Gureum's
// overhead is measured up to that moment. Thread-safe.
#pragma once

#include <libvirt/libvirt.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <absl/status/status.h>

namespace gureum::bench {

class DomainEventRecorder {
 public:
  DomainEventRecorder() = default;
  ~DomainEventRecorder();
  DomainEventRecorder(const DomainEventRecorder&) = delete;
  DomainEventRecorder& operator=(const DomainEventRecorder&) = delete;

  // Registers the default event implementation (once per process), connects
  // to `uri` and subscribes to lifecycle events.
  absl::Status Start(const std::string& uri);
  // The connection (for the bench's own libvirt calls); valid after Start.
  virConnectPtr connection() const { return conn_; }
  // When the guest of `domain_name` first ran, or nothing yet.
  std::optional<int64_t> RunningAtMs(const std::string& domain_name) const;

 private:
  static int OnLifecycle(virConnectPtr conn, virDomainPtr domain, int event, int detail,
                         void* opaque);
  void Stop();

  virConnectPtr conn_ = nullptr;
  int callback_id_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread loop_;
  mutable std::mutex mutex_;
  enum class Phase { kStarted, kPausedAtStart, kDone };
  struct FirstRun {
    Phase phase = Phase::kStarted;
    std::optional<int64_t> running_ms;
  };
  std::map<std::string, FirstRun> runs_;  // guarded by mutex_
};

// Wall-clock milliseconds since the epoch.
int64_t WallMillis();

}  // namespace gureum::bench
