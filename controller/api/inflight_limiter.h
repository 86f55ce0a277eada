// InflightLimiter: bounds how many API calls run at once, so overload is
// answered at once with RequestLimitExceeded (clients back off and retry)
// instead of queueing until everything times out. Thread-safe.
#pragma once

#include <atomic>
#include <optional>

#include <absl/status/status.h>

namespace gureum::controller {

class InflightLimiter {
 public:
  // Holds one place while it lives.
  class Slot {
   public:
    explicit Slot(std::atomic<int>* count) : count_(count) {}
    Slot(Slot&& other) noexcept : count_(other.count_) { other.count_ = nullptr; }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (count_ != nullptr) count_->fetch_sub(1);
    }

   private:
    std::atomic<int>* count_;
  };

  explicit InflightLimiter(int max_inflight) : max_(max_inflight) {}

  std::optional<Slot> TryAcquire() {
    if (count_.fetch_add(1) >= max_) {
      count_.fetch_sub(1);
      return std::nullopt;
    }
    return Slot(&count_);
  }

  // RequestLimitExceeded naming the limit.
  absl::Status Refusal() const;

  int inflight() const { return count_.load(); }

 private:
  const int max_;
  std::atomic<int> count_{0};
};

}  // namespace gureum::controller
