// Writes a command's result to stdout in the format chosen with -o: the response
// message as JSON, or a table of its resources as aligned columns or tab-separated
// text. With --query, the selected part of the JSON instead: as JSON under -o json,
// else as text (strings bare, a list of scalars tab-separated on one line, one line
// per element of a list of lists or objects), as the aws cli does. Not thread-safe;
// one per command run.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "cli/output/json_query.h"
#include "cli/output/output_format.h"
#include "cli/output/table.h"

namespace gureum::cli {

class Printer {
 public:
  Printer(std::ostream& out, OutputFormat format, bool color);

  OutputFormat format() const { return format_; }
  // From now on every result is filtered by `query` (--query).
  void SetQuery(JsonQuery query) { query_ = std::move(query); }

  // json: the whole response message; table/text: `table`.
  void Print(const google::protobuf::Message& response, const Table& table);
  // For responses with nothing to list (delete-*, reboot-instances): json prints the
  // message ("{}"), table and text print nothing, as the aws cli does.
  void PrintEmpty(const google::protobuf::Message& response);

  // Streams (events): a header once (table only), then one line per item as it
  // arrives, flushed so `--follow | grep` sees it at once. JSON is one object a line.
  // A query applies to each item; its header is left out.
  void StreamHeader(const std::vector<std::string>& headers, const std::vector<size_t>& widths);
  void StreamItem(const google::protobuf::Message& item, const std::vector<Cell>& cells,
                  const std::vector<size_t>& widths);

 private:
  // The query's result for `message` in the chosen format; `compact` for streams.
  void PrintQueried(const google::protobuf::Message& message, bool compact);

  std::ostream& out_;
  OutputFormat format_;
  bool color_;
  std::optional<JsonQuery> query_;
};

}  // namespace gureum::cli
