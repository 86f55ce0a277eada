// Wait progress for a terminal: one line per instance, redrawn in place after every
// poll (ANSI cursor movement), states coloured. Not thread-safe.
#pragma once

#include <cstddef>
#include <ostream>

#include "cli/wait/wait_progress.h"

namespace gureum::cli {

class LiveWaitProgress final : public WaitProgress {
 public:
  LiveWaitProgress(std::ostream& out, bool color) : out_(out), color_(color) {}

  void Update(const std::vector<InstanceProgress>& rows, std::string_view note) override;
  void Finish() override;

 private:
  std::ostream& out_;
  bool color_;
  size_t lines_drawn_ = 0;
};

}  // namespace gureum::cli
