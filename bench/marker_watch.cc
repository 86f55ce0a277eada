#include "bench/marker_watch.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <thread>

namespace gureum::bench {

bool MarkerWatch::Check(const std::string& path, FileState& state) const {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  std::string gained;
  if (std::fseek(file, static_cast<long>(state.offset), SEEK_SET) == 0) {
    char buffer[16384];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) gained.append(buffer, n);
  }
  std::fclose(file);
  if (gained.empty()) return false;
  state.offset += static_cast<int64_t>(gained.size());
  std::string window = state.tail + gained;
  if (window.find(marker_) != std::string::npos) return true;
  const size_t keep = std::min(window.size(), marker_.size());
  state.tail = window.substr(window.size() - keep);
  return false;
}

std::map<std::string, MarkerWatch::TimePoint> MarkerWatch::WaitAll(const Discover& discover,
                                                                   size_t expected,
                                                                   TimePoint deadline) {
  std::map<std::string, FileState> files;
  std::map<std::string, TimePoint> seen;
  while (seen.size() < expected) {
    for (const std::string& path : discover()) files.try_emplace(path);
    for (auto& [path, state] : files) {
      if (seen.contains(path)) continue;
      if (Check(path, state)) seen.emplace(path, std::chrono::steady_clock::now());
    }
    if (seen.size() >= expected || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(interval_);
  }
  return seen;
}

std::vector<std::string> ConsoleLogsUnder(const std::string& dir,
                                          const std::vector<std::string>& ignore) {
  std::vector<std::string> logs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (std::find(ignore.begin(), ignore.end(), name) != ignore.end()) continue;
    logs.push_back(entry.path().string() + "/console.log");
  }
  return logs;
}

}  // namespace gureum::bench
