#include "bench/domain_event_recorder.h"

#include <chrono>

#include <libvirt/virterror.h>

namespace gureum::bench {

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

absl::Status DomainEventRecorder::Start(const std::string& uri) {
  // Lookups of domains that are gone are expected; errors reach callers as
  // null results, not as lines on stderr.
  virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
  if (virEventRegisterDefaultImpl() < 0) {
    return absl::InternalError("virEventRegisterDefaultImpl failed");
  }
  loop_ = std::thread([this] {
    while (!stopping_.load()) {
      if (virEventRunDefaultImpl() < 0) break;
    }
  });
  conn_ = virConnectOpen(uri.c_str());
  if (conn_ == nullptr) return absl::UnavailableError("cannot connect to " + uri);
  callback_id_ = virConnectDomainEventRegisterAny(
      conn_, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
      // libvirt takes every callback as the generic type and calls it with the
      // lifecycle signature; void(*)() is the sanctioned detour.
      reinterpret_cast<virConnectDomainEventGenericCallback>(
          reinterpret_cast<void (*)()>(&DomainEventRecorder::OnLifecycle)),
      this, nullptr);
  if (callback_id_ < 0) return absl::InternalError("cannot subscribe to lifecycle events");
  return absl::OkStatus();
}

int DomainEventRecorder::OnLifecycle(virConnectPtr /*conn*/, virDomainPtr domain, int event,
                                     int /*detail*/, void* opaque) {
  if (event != VIR_DOMAIN_EVENT_STARTED && event != VIR_DOMAIN_EVENT_SUSPENDED &&
      event != VIR_DOMAIN_EVENT_RESUMED) {
    return 0;
  }
  const int64_t now = WallMillis();
  const char* name = virDomainGetName(domain);
  if (name == nullptr) return 0;
  auto* self = static_cast<DomainEventRecorder*>(opaque);
  std::lock_guard lock(self->mutex_);
  if (event == VIR_DOMAIN_EVENT_STARTED) {
    self->runs_.try_emplace(name, FirstRun{Phase::kStarted, now});  // the first start only
    return 0;
  }
  auto it = self->runs_.find(name);
  if (it == self->runs_.end()) return 0;
  FirstRun& run = it->second;
  if (run.phase == Phase::kStarted && event == VIR_DOMAIN_EVENT_SUSPENDED) {
    // Suspended before anything else happened: started paused, not yet running.
    run.phase = Phase::kPausedAtStart;
    run.running_ms.reset();
  } else if (run.phase == Phase::kPausedAtStart && event == VIR_DOMAIN_EVENT_RESUMED) {
    run.phase = Phase::kDone;
    run.running_ms = now;
  } else if (run.phase == Phase::kStarted) {
    run.phase = Phase::kDone;
  }
  return 0;
}

std::optional<int64_t> DomainEventRecorder::RunningAtMs(const std::string& domain_name) const {
  std::lock_guard lock(mutex_);
  auto it = runs_.find(domain_name);
  if (it == runs_.end()) return std::nullopt;
  return it->second.running_ms;
}

void DomainEventRecorder::Stop() {
  if (conn_ != nullptr) {
    if (callback_id_ >= 0) virConnectDomainEventDeregisterAny(conn_, callback_id_);
    virConnectClose(conn_);
    conn_ = nullptr;
  }
  stopping_.store(true);
  if (loop_.joinable()) {
    // A timeout that fires at once wakes the loop so it sees stopping_.
    const int wakeup = virEventAddTimeout(
        0, [](int, void*) {}, nullptr, nullptr);
    loop_.join();
    if (wakeup >= 0) virEventRemoveTimeout(wakeup);
  }
}

DomainEventRecorder::~DomainEventRecorder() { Stop(); }

}  // namespace gureum::bench
