#include "controller/api/auth_failure_limiter.h"

namespace gureum::controller {
namespace {
constexpr size_t kMaxSources = 10000;  // bound memory against many sources
}

void AuthFailureLimiter::Prune(std::deque<int64_t>& times, int64_t now_ms) const {
  while (!times.empty() && times.front() <= now_ms - window_.count()) times.pop_front();
}

int64_t AuthFailureLimiter::BlockedFor(const std::string& source, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(source);
  if (it == failures_.end()) return 0;
  Prune(it->second, now_ms);
  if (static_cast<int>(it->second.size()) < max_failures_) return 0;
  // Blocked until enough of the failures leave the window.
  const int64_t oldest_needed = it->second[it->second.size() - static_cast<size_t>(max_failures_)];
  return oldest_needed + window_.count() - now_ms;
}

int AuthFailureLimiter::RecordFailure(const std::string& source, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (failures_.size() >= kMaxSources && failures_.find(source) == failures_.end()) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      Prune(it->second, now_ms);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() >= kMaxSources) failures_.erase(failures_.begin());
  }
  auto& times = failures_[source];
  Prune(times, now_ms);
  times.push_back(now_ms);
  return static_cast<int>(times.size());
}

}  // namespace gureum::controller
