#include "cli/wait/live_wait_progress.h"

#include <algorithm>

namespace gureum::cli {

void LiveWaitProgress::Update(const std::vector<InstanceProgress>& rows, std::string_view note) {
  // Back to the top of the previous frame and clear it, then draw the new one.
  if (lines_drawn_ > 0) out_ << "\x1b[" << lines_drawn_ << "A\r\x1b[J";
  size_t id_width = 0;
  for (const auto& row : rows) id_width = std::max(id_width, row.instance_id.size());
  for (const auto& row : rows) out_ << FormatProgressLine(row, id_width, color_) << '\n';
  lines_drawn_ = rows.size();
  if (!note.empty()) {
    out_ << note << '\n';
    ++lines_drawn_;
  }
  out_.flush();
}

void LiveWaitProgress::Finish() { out_.flush(); }

}  // namespace gureum::cli
