// MarkerWatch: finds when a boot marker (GUREUM-READY) first appears in
// serial console log files that virtlogd writes, by reading what each file
// gained every `interval`. The baseline domains and Gureum's instances are
// watched the same way, so neither side's detection is faster. Not
// thread-safe; one WaitAll at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace gureum::bench {

class MarkerWatch {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // The files to watch, asked again at every poll (the list may grow, e.g.
  // as the agent creates instance directories).
  using Discover = std::function<std::vector<std::string>()>;

  MarkerWatch(std::string marker, std::chrono::milliseconds interval)
      : marker_(std::move(marker)), interval_(interval) {}

  // Polls until `expected` files have shown the marker or `deadline`;
  // returns path -> when the marker was first seen (those seen so far).
  std::map<std::string, TimePoint> WaitAll(const Discover& discover, size_t expected,
                                           TimePoint deadline);

 private:
  struct FileState {
    int64_t offset = 0;
    std::string tail;  // the last bytes read, so a marker split across reads is found
  };
  // Reads what `path` gained; true if the marker is now seen.
  bool Check(const std::string& path, FileState& state) const;

  const std::string marker_;
  const std::chrono::milliseconds interval_;
};

// <dir>/*/console.log for each subdirectory of `dir` not in `ignore` (names).
std::vector<std::string> ConsoleLogsUnder(const std::string& dir,
                                          const std::vector<std::string>& ignore);

}  // namespace gureum::bench
