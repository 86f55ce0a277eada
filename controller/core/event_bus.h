// EventBus: wakes event watchers after a commit appended events. Carries only
// the newest sequence number; watchers read the events from the store.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace gureum::controller {

class EventBus {
 public:
  void Published(int64_t last_sequence) {
    {
      std::lock_guard lock(mutex_);
      if (last_sequence > last_) last_ = last_sequence;
    }
    cv_.notify_all();
  }

  // Waits until an event after `after` exists or the timeout passes; returns
  // the newest sequence known.
  int64_t WaitAfter(int64_t after, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return last_ > after; });
    return last_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int64_t last_ = 0;  // guarded by mutex_
};

}  // namespace gureum::controller
