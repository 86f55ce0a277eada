#include "bench/agent_log_timeline.h"

#include <ctime>
#include <fstream>

namespace gureum::bench {
namespace {

// "2026-11-26T07:29:00.123 info [agent] ..." -> ms since the epoch, or -1.
int64_t TimestampMs(const std::string& line) {
  std::tm tm{};
  const char* rest = strptime(line.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr || *rest != '.') return -1;
  tm.tm_isdst = -1;
  const std::time_t seconds = std::mktime(&tm);
  if (seconds < 0) return -1;
  return static_cast<int64_t>(seconds) * 1000 + std::atoi(rest + 1);
}

}  // namespace

AgentLogTimeline::AgentLogTimeline(const std::string& log_path) {
  std::ifstream in(log_path);
  const std::string prefix = "sync: ";
  for (std::string line; std::getline(in, line);) {
    const size_t at = line.find(prefix);
    if (at == std::string::npos) continue;
    const size_t colon = line.find(": ", at + prefix.size());
    if (colon == std::string::npos) continue;
    const std::string id = line.substr(at + prefix.size(), colon - at - prefix.size());
    const std::string what = line.substr(colon + 2);
    int64_t* slot = nullptr;
    AgentLaunchSteps& steps = steps_[id];
    if (what.rfind("preparing image", 0) == 0) {
      slot = &steps.preparing_ms;
    } else if (what.rfind("prepared", 0) == 0) {
      slot = &steps.prepared_ms;
    } else if (what.rfind("defined (", 0) == 0) {
      slot = &steps.defined_ms;
    } else if (what == "started") {
      slot = &steps.started_ms;
    }
    if (slot != nullptr && *slot < 0) *slot = TimestampMs(line);
  }
}

AgentLaunchSteps AgentLogTimeline::Steps(const std::string& instance_id) const {
  auto it = steps_.find(instance_id);
  return it == steps_.end() ? AgentLaunchSteps{} : it->second;
}

}  // namespace gureum::bench
