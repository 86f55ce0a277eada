#include "cli/output/table.h"

#include <sstream>

#include <catch2/catch.hpp>

namespace gureum::cli {

TEST_CASE("an aligned table pads every column to its widest cell") {
  // This test verifies column alignment, the two-space gap and no trailing spaces.
  Table table({"ID", "STATE", "NAME"});
  table.AddRow({"i-1", "running", "web"});
  table.AddRow({"i-0123", "stopped", "database"});
  std::ostringstream out;
  table.RenderAligned(out, /*color=*/false);
  CHECK(out.str() ==
        "ID      STATE    NAME\n"
        "i-1     running  web\n"
        "i-0123  stopped  database\n");
}

TEST_CASE("text output is tab-separated without a header") {
  // This test verifies the -o text shape that cut and awk rely on.
  Table table({"ID", "STATE"});
  table.AddRow({"i-1", "running"});
  table.AddRow({"i-2", "pending"});
  std::ostringstream out;
  table.RenderTabSeparated(out);
  CHECK(out.str() == "i-1\trunning\ni-2\tpending\n");
}

TEST_CASE("empty cells show a dash and line breaks become spaces") {
  // This test verifies that one resource stays one line with a stable field count.
  Table table({"A", "B", "C"});
  table.AddRow({"", "two\tcells", "multi\nline"});
  std::ostringstream text;
  table.RenderTabSeparated(text);
  CHECK(text.str() == "-\ttwo cells\tmulti line\n");
}

TEST_CASE("colour codes appear only when asked and do not disturb alignment") {
  // This test verifies that styled cells are wrapped in ANSI codes on a terminal only,
  // with padding computed from the visible text.
  Table table({"STATE", "ID"});
  table.AddRow({Cell("running", CellStyle::kGood), "i-1"});
  table.AddRow({Cell("terminated", CellStyle::kDim), "i-2"});
  std::ostringstream plain;
  table.RenderAligned(plain, /*color=*/false);
  CHECK(plain.str().find('\x1b') == std::string::npos);

  std::ostringstream colored;
  table.RenderAligned(colored, /*color=*/true);
  CHECK(colored.str() ==
        "STATE       ID\n"
        "\x1b[32mrunning\x1b[0m     i-1\n"
        "\x1b[2mterminated\x1b[0m  i-2\n");
}

TEST_CASE("display width counts code points, not bytes") {
  // This test verifies that a multi-byte tag value is padded by its visible width.
  CHECK(Table::DisplayWidth("abc") == 3);
  CHECK(Table::DisplayWidth("café") == 4);
  Table table({"NAME", "X"});
  table.AddRow({"café", "1"});
  std::ostringstream out;
  table.RenderAligned(out, false);
  CHECK(out.str() == "NAME  X\ncafé  1\n");
}

TEST_CASE("a table without rows renders only its header") {
  // This test verifies the empty case for both renderings.
  Table table({"ID", "STATE"});
  std::ostringstream aligned;
  table.RenderAligned(aligned, false);
  CHECK(aligned.str() == "ID  STATE\n");
  std::ostringstream text;
  table.RenderTabSeparated(text);
  CHECK(text.str().empty());
}

TEST_CASE("fixed-width rows pad all but the last cell") {
  // This test verifies the streaming row format used by the events verb.
  CHECK(Table::FormatAlignedRow({"1", "abc", "tail"}, {3, 5, 0}, false) == "1    abc    tail");
  CHECK(Table::FormatAlignedRow({"toolong", "x"}, {3, 0}, false) == "toolong  x");
}

}  // namespace gureum::cli
