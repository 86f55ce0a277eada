#include "agent/seed/yaml_quote.h"

#include <catch2/catch.hpp>

namespace gureum::agent {
namespace {

std::string Quote(std::string_view text) {
  absl::StatusOr<std::string> quoted = YamlQuote(text);
  REQUIRE(quoted.ok());
  return *quoted;
}

TEST_CASE("yaml quoting wraps plain text in double quotes") {
  // This test verifies that ordinary values, including ones YAML would read as
  // other types or structure when unquoted, become plain quoted strings.
  CHECK(Quote("web-1") == "\"web-1\"");
  CHECK(Quote("") == "\"\"");
  CHECK(Quote("yes") == "\"yes\"");
  CHECK(Quote("a: b # c") == "\"a: b # c\"");
  CHECK(Quote("- [x, {y}] &z *w !t |") == "\"- [x, {y}] &z *w !t |\"");
}

TEST_CASE("yaml quoting escapes quotes, backslashes and line breaks") {
  // This test verifies that nothing a user writes can end the scalar or start
  // a new line of the document.
  CHECK(Quote("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(Quote("C:\\path") == "\"C:\\\\path\"");
  CHECK(Quote("one\ninstance-id: evil") == "\"one\\ninstance-id: evil\"");
  CHECK(Quote("tab\there") == "\"tab\\there\"");
  CHECK(Quote("cr\rbell\anul" + std::string(1, '\0')) == "\"cr\\x0Dbell\\x07nul\\x00\"");
}

TEST_CASE("yaml quoting escapes code points YAML forbids or reads as line breaks") {
  // This test verifies DEL, C1 controls, NEL, the byte order mark and the
  // Unicode line/paragraph separators are escaped, and other UTF-8 is kept.
  CHECK(Quote("\x7f") == "\"\\x7F\"");
  CHECK(Quote("\xc2\x85") == "\"\\x85\"");                                     // NEL
  CHECK(Quote("\xe2\x80\xa8") == "\"\\u2028\"");                               // LINE SEPARATOR
  CHECK(Quote("\xef\xbb\xbf") == "\"\\uFEFF\"");                               // BOM
  CHECK(Quote("\xed\x95\x9c\xea\xb8\x80") == "\"\xed\x95\x9c\xea\xb8\x80\"");  // Hangul
  CHECK(Quote("\xf0\x9f\x98\x80") == "\"\xf0\x9f\x98\x80\"");                  // emoji
}

TEST_CASE("yaml quoting refuses text that is not UTF-8") {
  // This test verifies that stray bytes, overlong forms, encoded surrogates and
  // truncated sequences are errors rather than silently mangled.
  for (const std::string& bad :
       {std::string("\xff"), std::string("\x80"), std::string("\xc0\xaf"),
        std::string("\xed\xa0\x80"), std::string("ok\xe2\x82"), std::string("\xf4\x90\x80\x80")}) {
    CHECK(absl::IsInvalidArgument(YamlQuote(bad).status()));
  }
}

}  // namespace
}  // namespace gureum::agent
