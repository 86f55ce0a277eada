// A grid of cells rendered either as aligned columns under a header (-o table) or
// as tab-separated lines without a header (-o text). Not thread-safe; build one per
// command's output.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace gureum::cli {

// How a cell is coloured on a terminal; ignored everywhere else.
enum class CellStyle { kPlain, kGood, kWarn, kBad, kDim };

struct Cell {
  Cell(std::string text_in, CellStyle style_in = CellStyle::kPlain)  // NOLINT: implicit on purpose
      : text(std::move(text_in)), style(style_in) {}
  Cell(const char* text_in) : text(text_in) {}  // NOLINT: implicit on purpose
  std::string text;
  CellStyle style = CellStyle::kPlain;
};

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Requires cells.size() == the number of headers.
  void AddRow(std::vector<Cell> cells);

  size_t row_count() const { return rows_.size(); }
  const std::vector<std::string>& headers() const { return headers_; }

  // Header and rows padded to the widest cell of each column, two spaces apart.
  void RenderAligned(std::ostream& out, bool color) const;
  // One row per line, cells separated by tabs; no header.
  void RenderTabSeparated(std::ostream& out) const;

  // One aligned line (no newline) for fixed widths, for streams whose rows are not
  // known in advance. The last cell is never padded.
  static std::string FormatAlignedRow(const std::vector<Cell>& cells,
                                      const std::vector<size_t>& widths, bool color);
  // What a cell shows: "-" for empty (so awk's fields never collapse), and tabs and
  // line breaks turned into spaces (so one resource stays one line).
  static std::string DisplayText(const std::string& text);
  // Width on a terminal, counting UTF-8 code points rather than bytes.
  static size_t DisplayWidth(const std::string& text);

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<Cell>> rows_;
};

}  // namespace gureum::cli
