#include "cli/output/printer.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cli/output/json_output.h"

namespace gureum::cli {
namespace {

using nlohmann::ordered_json;

std::string ScalarText(const ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

// One line of text output: a scalar as is, an array's or object's values
// tab-separated (nested ones as compact JSON).
std::string TextLine(const ordered_json& value) {
  if (!value.is_array() && !value.is_object()) return ScalarText(value);
  std::string line;
  bool first = true;
  for (const auto& element : value) {
    if (!first) line += '\t';
    first = false;
    line += element.is_structured() ? element.dump() : ScalarText(element);
  }
  return line;
}

void RenderQueryText(const ordered_json& result, std::ostream& out) {
  if (result.is_null()) return;
  bool rows = result.is_array() && std::any_of(result.begin(), result.end(),
                                               [](const auto& e) { return e.is_structured(); });
  if (!rows) {
    out << TextLine(result) << '\n';
    return;
  }
  for (const auto& element : result) out << TextLine(element) << '\n';
}

}  // namespace

void Printer::PrintQueried(const google::protobuf::Message& message, bool compact) {
  ordered_json document =
      ordered_json::parse(ToCompactJson(message), nullptr, /*allow_exceptions=*/false);
  ordered_json result = query_->Apply(document);
  if (format_ == OutputFormat::kJson) {
    out_ << (compact ? result.dump(-1, ' ', false, ordered_json::error_handler_t::replace)
                     : result.dump(2, ' ', false, ordered_json::error_handler_t::replace))
         << '\n';
  } else {
    RenderQueryText(result, out_);
  }
  out_.flush();
}

Printer::Printer(std::ostream& out, OutputFormat format, bool color)
    : out_(out), format_(format), color_(color && format == OutputFormat::kTable) {}

void Printer::Print(const google::protobuf::Message& response, const Table& table) {
  if (query_) return PrintQueried(response, /*compact=*/false);
  switch (format_) {
    case OutputFormat::kJson:
      out_ << ToPrettyJson(response);
      break;
    case OutputFormat::kTable:
      table.RenderAligned(out_, color_);
      break;
    case OutputFormat::kText:
      table.RenderTabSeparated(out_);
      break;
  }
  out_.flush();
}

void Printer::PrintEmpty(const google::protobuf::Message& response) {
  if (query_) return PrintQueried(response, /*compact=*/false);
  if (format_ == OutputFormat::kJson) out_ << ToPrettyJson(response);
  out_.flush();
}

void Printer::StreamHeader(const std::vector<std::string>& headers,
                           const std::vector<size_t>& widths) {
  if (format_ != OutputFormat::kTable || query_) return;
  std::vector<Cell> cells(headers.begin(), headers.end());
  out_ << Table::FormatAlignedRow(cells, widths, /*color=*/false) << std::endl;
}

void Printer::StreamItem(const google::protobuf::Message& item, const std::vector<Cell>& cells,
                         const std::vector<size_t>& widths) {
  if (query_) return PrintQueried(item, /*compact=*/true);
  switch (format_) {
    case OutputFormat::kJson:
      out_ << ToCompactJson(item) << '\n';
      break;
    case OutputFormat::kTable:
      out_ << Table::FormatAlignedRow(cells, widths, color_) << '\n';
      break;
    case OutputFormat::kText: {
      Table one(std::vector<std::string>(cells.size(), ""));
      one.AddRow(cells);
      one.RenderTabSeparated(out_);
      break;
    }
  }
  out_.flush();
}

}  // namespace gureum::cli
