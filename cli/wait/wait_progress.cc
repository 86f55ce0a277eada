#include "cli/wait/wait_progress.h"

#include "cli/output/resource_tables.h"
#include "cli/output/table.h"
#include "cli/output/time_format.h"

namespace gureum::cli {

std::string FormatProgressLine(const InstanceProgress& row, size_t id_width, bool color) {
  std::string state = row.state.empty() ? "?" : row.state;
  std::string mark;
  switch (row.verdict) {
    case WaitTarget::Verdict::kReached:
      mark = "done";
      break;
    case WaitTarget::Verdict::kSettledElsewhere:
      mark = "failed";
      break;
    case WaitTarget::Verdict::kInProgress:
      break;
  }
  std::vector<Cell> cells = {row.instance_id, Cell(state, InstanceStateStyle(row.state)),
                             FormatElapsed(row.elapsed)};
  if (!mark.empty()) cells.emplace_back(mark);
  if (row.verdict == WaitTarget::Verdict::kSettledElsewhere && !row.reason.empty()) {
    cells.emplace_back(row.reason);
  }
  // Fixed widths keep the live display from jittering as states change length.
  std::string line = Table::FormatAlignedRow(cells, {id_width, 13, 7, 6}, color);
  return line;
}

}  // namespace gureum::cli
