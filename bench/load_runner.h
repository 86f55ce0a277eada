// LoadRunner: runs one request function from `clients` threads for a fixed
// time and reports latency percentiles and requests per second. Thread-safe
// for the request function's own state only.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "bench/latency_recorder.h"

namespace gureum::bench {

struct LoadResult {
  double p50_ms = 0;
  double p99_ms = 0;
  double per_second = 0;
  int64_t requests = 0;
  int64_t failures = 0;
};

// `request(thread_index, n)` makes one request; false counts as a failure.
inline LoadResult RunLoad(const std::string& name, int clients, std::chrono::milliseconds duration,
                          const std::function<bool(int, int64_t)>& request) {
  LatencyRecorder latency;
  std::atomic<int64_t> failures{0};
  std::atomic<int64_t> counter{0};
  auto start = std::chrono::steady_clock::now();
  auto stop_at = start + duration;
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      while (std::chrono::steady_clock::now() < stop_at) {
        auto t0 = std::chrono::steady_clock::now();
        bool ok = request(c, counter.fetch_add(1));
        latency.Record(std::chrono::steady_clock::now() - t0);
        if (!ok) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  LoadResult result{latency.PercentileMs(50), latency.PercentileMs(99),
                    static_cast<double>(latency.count()) / seconds,
                    static_cast<int64_t>(latency.count()), failures.load()};
  std::cout << "  " << name << ": p50 " << result.p50_ms << " ms, p99 " << result.p99_ms << " ms, "
            << result.per_second << " req/s (" << clients << " clients, " << result.requests
            << " requests, " << result.failures << " failed)\n";
  return result;
}

}  // namespace gureum::bench
