// Fuzzes YamlQuote, which turns values that reach the agent from the
// controller (and from users before that: hostnames, SSH public keys) into
// YAML scalars in the cloud-init seed. A value must never change the
// document's structure, so the checks are: the output is one double-quoted
// scalar on one line, with only printable ASCII or non-control UTF-8 inside;
// unescaping it (YAML's rules for the escapes YamlQuote writes) gives back the
// input exactly; and the input is refused exactly when it is not valid UTF-8
// (checked against an independent decoder).
//
// Input: the text.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/seed/yaml_quote.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// Well-formed UTF-8 (RFC 3629), written independently of YamlQuote's decoder.
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    const uint8_t c = b(i);
    size_t n = 0;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c <= 0x7F) {
      n = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c == 0xE0) {
      n = 2, lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      n = 2;
    } else if (c == 0xED) {
      n = 2, hi = 0x9F;
    } else if (c == 0xF0) {
      n = 3, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      n = 3;
    } else if (c == 0xF4) {
      n = 3, hi = 0x8F;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const uint8_t lower = k == 1 ? lo : 0x80;
      const uint8_t upper = k == 1 ? hi : 0xBF;
      if (b(i + k) < lower || b(i + k) > upper) return false;
    }
    i += n + 1;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void AppendUtf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// The inside of a YAML double-quoted scalar, unescaped; nullopt if it holds a
// bare '"', a bare line break or an escape YAML does not define.
std::optional<std::string> Unquote(std::string_view quoted) {
  if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"') return std::nullopt;
  std::string_view body = quoted.substr(1, quoted.size() - 2);
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '"' || c == '\n' || c == '\r') return std::nullopt;
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= body.size()) return std::nullopt;
    const char e = body[i];
    int digits = 0;
    if (e == '"' || e == '\\') {
      out.push_back(e);
    } else if (e == 'n') {
      out.push_back('\n');
    } else if (e == 't') {
      out.push_back('\t');
    } else if (e == 'x') {
      digits = 2;
    } else if (e == 'u') {
      digits = 4;
    } else {
      return std::nullopt;
    }
    if (digits == 0) continue;
    if (i + digits >= body.size()) return std::nullopt;
    uint32_t code = 0;
    for (int k = 1; k <= digits; ++k) {
      const int h = HexValue(body[i + k]);
      if (h < 0) return std::nullopt;
      code = code * 16 + static_cast<uint32_t>(h);
    }
    i += digits;
    AppendUtf8(out, code);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::string> quoted = gureum::agent::YamlQuote(text);
  FUZZ_CHECK(quoted.ok() == IsValidUtf8(text), "refused exactly when not valid UTF-8");
  if (!quoted.ok()) {
    FUZZ_CHECK(quoted.status().code() == absl::StatusCode::kInvalidArgument, "InvalidArgument");
    return 0;
  }
  for (unsigned char c : *quoted) {
    FUZZ_CHECK(c >= 0x20 && c != 0x7f, "no control characters or line breaks in the output");
  }
  std::optional<std::string> back = Unquote(*quoted);
  FUZZ_CHECK(back.has_value(), "the output is one well-formed double-quoted scalar");
  FUZZ_CHECK(*back == text, "unquoting gives back the input");
  return 0;
}
