// AgentLogTimeline: when the agent logged the steps of an instance's launch
// (its spdlog lines "sync: <id>: preparing image, disk and seed", "...:
// defined (", "...: started"), in ms since the epoch, read from its log file
// after the fact. The agent's timestamps are local time with millisecond
// precision; this process must share its time zone. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace gureum::bench {

struct AgentLaunchSteps {
  int64_t preparing_ms = -1;
  int64_t prepared_ms = -1;  // only if the agent logs it
  int64_t defined_ms = -1;
  int64_t started_ms = -1;
};

class AgentLogTimeline {
 public:
  // Reads the whole log (call after the launches of interest).
  explicit AgentLogTimeline(const std::string& log_path);
  // The steps of `instance_id` (-1 where a line was not found).
  AgentLaunchSteps Steps(const std::string& instance_id) const;

 private:
  std::map<std::string, AgentLaunchSteps> steps_;
};

}  // namespace gureum::bench
