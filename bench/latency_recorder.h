// LatencyRecorder: collects durations from many threads and reports
// percentiles. Thread-safe.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <vector>

namespace gureum::bench {

class LatencyRecorder {
 public:
  void Record(std::chrono::steady_clock::duration d) {
    std::lock_guard lock(mutex_);
    samples_ms_.push_back(std::chrono::duration<double, std::milli>(d).count());
  }
  size_t count() const {
    std::lock_guard lock(mutex_);
    return samples_ms_.size();
  }
  // The p-th percentile (0..100) in milliseconds, nearest rank; 0 if empty.
  double PercentileMs(double p) const {
    std::lock_guard lock(mutex_);
    if (samples_ms_.empty()) return 0;
    std::vector<double> sorted = samples_ms_;
    std::sort(sorted.begin(), sorted.end());
    size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
  }

 private:
  mutable std::mutex mutex_;
  std::vector<double> samples_ms_;  // guarded by mutex_
};

}  // namespace gureum::bench
