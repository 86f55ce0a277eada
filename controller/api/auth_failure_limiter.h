// AuthFailureLimiter: counts failed authentications per source; a source with
// `max_failures` failures inside `window` is refused without checking its
// key until the window has passed (slows down guessing; the secrets have 238
// bits, so this is about noise and logs, not feasibility). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace gureum::controller {

class AuthFailureLimiter {
 public:
  AuthFailureLimiter(int max_failures, std::chrono::milliseconds window)
      : max_failures_(max_failures), window_(window) {}

  // Milliseconds until `source` may try again; 0 if it may now.
  int64_t BlockedFor(const std::string& source, int64_t now_ms);
  // Records one failure; returns how many the source has in the window.
  int RecordFailure(const std::string& source, int64_t now_ms);

 private:
  void Prune(std::deque<int64_t>& times, int64_t now_ms) const;

  const int max_failures_;
  const std::chrono::milliseconds window_;
  std::mutex mutex_;
  std::map<std::string, std::deque<int64_t>> failures_;  // guarded by mutex_
};

}  // namespace gureum::controller
