#include "cli/wait/plain_wait_progress.h"

#include <algorithm>
#include <string>

namespace gureum::cli {

void PlainWaitProgress::Update(const std::vector<InstanceProgress>& rows, std::string_view note) {
  size_t id_width = 0;
  for (const auto& row : rows) id_width = std::max(id_width, row.instance_id.size());
  for (const auto& row : rows) {
    if (row.state.empty()) continue;
    // A verdict can change without the state (stopped, then no longer wanted running).
    std::string seen = row.state + "|" + std::to_string(static_cast<int>(row.verdict));
    auto [it, inserted] = last_seen_.try_emplace(row.instance_id, seen);
    if (!inserted && it->second == seen) continue;
    it->second = seen;
    out_ << FormatProgressLine(row, id_width, /*color=*/false) << '\n';
  }
  if (note != last_note_) {
    if (!note.empty()) out_ << note << '\n';
    last_note_ = std::string(note);
  }
  out_.flush();
}

void PlainWaitProgress::Finish() { out_.flush(); }

}  // namespace gureum::cli
