// Wait progress for logs and pipes: a line whenever an instance's state changes (and
// when a passing problem starts), never rewritten. Not thread-safe.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "cli/wait/wait_progress.h"

namespace gureum::cli {

class PlainWaitProgress final : public WaitProgress {
 public:
  explicit PlainWaitProgress(std::ostream& out) : out_(out) {}

  void Update(const std::vector<InstanceProgress>& rows, std::string_view note) override;
  void Finish() override;

 private:
  std::ostream& out_;
  std::map<std::string, std::string> last_seen_;  // state and verdict, by instance id
  std::string last_note_;
};

}  // namespace gureum::cli
