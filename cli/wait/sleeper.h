// Blocks the calling thread between polls. Injected so tests advance a ManualClock
// instead of sleeping. Implementations are thread-safe.
#pragma once

#include <chrono>
#include <thread>

namespace gureum::cli {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void SleepFor(std::chrono::milliseconds duration) = 0;
};

class RealSleeper final : public Sleeper {
 public:
  void SleepFor(std::chrono::milliseconds duration) override {
    std::this_thread::sleep_for(duration);
  }
};

}  // namespace gureum::cli
