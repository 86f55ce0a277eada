// DomainEventRecorder: the benchmark's own libvirt connection with
// libvirt's default event loop on a thread of its own, recording the
// wall-clock time (ms since the epoch) at which VIR_DOMAIN_EVENT_STARTED
// arrived for each domain name (the first one only). Gureum's overhead is
// measured up to that moment. Thread-safe.
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
  // When STARTED arrived for `domain_name`, or nothing yet.
  std::optional<int64_t> StartedAtMs(const std::string& domain_name) const;

 private:
  static int OnLifecycle(virConnectPtr conn, virDomainPtr domain, int event, int detail,
                         void* opaque);
  void Stop();

  virConnectPtr conn_ = nullptr;
  int callback_id_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread loop_;
  mutable std::mutex mutex_;
  std::map<std::string, int64_t> started_ms_;  // guarded by mutex_
};

// Wall-clock milliseconds since the epoch.
int64_t WallMillis();

}  // namespace gureum::bench
