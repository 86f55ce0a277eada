// What a waiter shows while it polls: one row per instance with its state and the
// time waited. Implementations write to a stream (stderr, so stdout stays clean for
// the command's result) and are not thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "cli/wait/wait_target.h"

namespace gureum::cli {

struct InstanceProgress {
  std::string instance_id;
  std::string state;   // "" until the first answer
  std::string reason;  // "code: message" of the state reason, "" if none
  WaitTarget::Verdict verdict = WaitTarget::Verdict::kInProgress;
  // Time waited so far; frozen once the instance reached or left the race.
  std::chrono::milliseconds elapsed{0};
};

class WaitProgress {
 public:
  virtual ~WaitProgress() = default;
  // After every poll. `note` names a passing problem ("cannot reach ...") or is "".
  virtual void Update(const std::vector<InstanceProgress>& rows, std::string_view note) = 0;
  // Once, when the wait is over.
  virtual void Finish() = 0;
};

// "i-0abc  running  12.5s" with the id padded to `id_width`; the reason follows
// when the instance settled elsewhere.
std::string FormatProgressLine(const InstanceProgress& row, size_t id_width, bool color);

}  // namespace gureum::cli
