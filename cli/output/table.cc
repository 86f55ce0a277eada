#include "cli/output/table.h"

#include <algorithm>
#include <cassert>

namespace gureum::cli {
namespace {

const char* AnsiColor(CellStyle style) {
  switch (style) {
    case CellStyle::kGood:
      return "\x1b[32m";
    case CellStyle::kWarn:
      return "\x1b[33m";
    case CellStyle::kBad:
      return "\x1b[31m";
    case CellStyle::kDim:
      return "\x1b[2m";
    case CellStyle::kPlain:
      break;
  }
  return nullptr;
}

constexpr char kAnsiReset[] = "\x1b[0m";
constexpr size_t kColumnGap = 2;

}  // namespace

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<Cell> cells) {
  assert(cells.size() == headers_.size());
  cells.resize(headers_.size(), Cell(""));
  rows_.push_back(std::move(cells));
}

std::string Table::DisplayText(const std::string& text) {
  if (text.empty()) return "-";
  std::string shown = text;
  for (char& c : shown) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return shown;
}

size_t Table::DisplayWidth(const std::string& text) {
  // Continuation bytes (10xxxxxx) do not start a code point.
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string Table::FormatAlignedRow(const std::vector<Cell>& cells,
                                    const std::vector<size_t>& widths, bool color) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string shown = DisplayText(cells[i].text);
    const char* ansi = color ? AnsiColor(cells[i].style) : nullptr;
    if (ansi != nullptr) {
      line += ansi;
      line += shown;
      line += kAnsiReset;
    } else {
      line += shown;
    }
    if (i + 1 < cells.size()) {
      size_t width = i < widths.size() ? widths[i] : 0;
      size_t used = DisplayWidth(shown);
      line.append((width > used ? width - used : 0) + kColumnGap, ' ');
    }
  }
  return line;
}

void Table::RenderAligned(std::ostream& out, bool color) const {
  std::vector<size_t> widths(headers_.size(), 0);
  for (size_t i = 0; i < headers_.size(); ++i) widths[i] = DisplayWidth(headers_[i]);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(DisplayText(row[i].text)));
    }
  }
  std::vector<Cell> header_cells(headers_.begin(), headers_.end());
  out << FormatAlignedRow(header_cells, widths, /*color=*/false) << '\n';
  for (const auto& row : rows_) out << FormatAlignedRow(row, widths, color) << '\n';
}

void Table::RenderTabSeparated(std::ostream& out) const {
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out << '\t';
      out << DisplayText(row[i].text);
    }
    out << '\n';
  }
}

}  // namespace gureum::cli
