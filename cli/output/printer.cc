#include "cli/output/printer.h"

#include "cli/output/json_output.h"

namespace gureum::cli {

Printer::Printer(std::ostream& out, OutputFormat format, bool color)
    : out_(out), format_(format), color_(color && format == OutputFormat::kTable) {}

void Printer::Print(const google::protobuf::Message& response, const Table& table) {
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
  if (format_ == OutputFormat::kJson) out_ << ToPrettyJson(response);
  out_.flush();
}

void Printer::StreamHeader(const std::vector<std::string>& headers,
                           const std::vector<size_t>& widths) {
  if (format_ != OutputFormat::kTable) return;
  std::vector<Cell> cells(headers.begin(), headers.end());
  out_ << Table::FormatAlignedRow(cells, widths, /*color=*/false) << std::endl;
}

void Printer::StreamItem(const google::protobuf::Message& item, const std::vector<Cell>& cells,
                         const std::vector<size_t>& widths) {
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
