#include "agent/seed/yaml_quote.h"

#include <cstdint>
#include <cstdio>

namespace gureum::agent {
namespace {

// Decodes one UTF-8 sequence at text[*pos], advancing *pos. Returns -1 for an
// invalid sequence (overlong, surrogate, out of range or truncated).
int32_t DecodeUtf8(std::string_view text, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(*pos);
  int length = 0;
  int32_t code = 0;
  int32_t min = 0;
  if (lead < 0x80) {
    ++*pos;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (*pos + length > text.size()) return -1;
  for (int i = 1; i < length; ++i) {
    const uint8_t next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) return -1;
    code = (code << 6) | (next & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return -1;
  *pos += length;
  return code;
}

// Code points that must not appear literally: C0 and C1 controls, DEL, the
// byte order mark, the Unicode line/paragraph separators (line breaks in
// YAML 1.1, which PyYAML and so cloud-init speak) and the non-characters.
bool MustEscape(int32_t code) {
  return code < 0x20 || (code >= 0x7F && code <= 0x9F) || code == 0x2028 || code == 0x2029 ||
         code == 0xFEFF || code == 0xFFFE || code == 0xFFFF;
}

}  // namespace

absl::StatusOr<std::string> YamlQuote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    const int32_t code = DecodeUtf8(text, &pos);
    if (code < 0) {
      return absl::InvalidArgumentError(
          "text for cloud-init meta-data is not valid UTF-8 (at byte " + std::to_string(start) +
          ")");
    }
    if (code == '"' || code == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(code));
    } else if (code == '\n') {
      out += "\\n";
    } else if (code == '\t') {
      out += "\\t";
    } else if (MustEscape(code)) {
      char escape[16];
      if (code <= 0xFF) {
        std::snprintf(escape, sizeof(escape), "\\x%02X", static_cast<unsigned>(code));
      } else {
        std::snprintf(escape, sizeof(escape), "\\u%04X", static_cast<unsigned>(code));
      }
      out += escape;
    } else {
      out.append(text.substr(start, pos - start));
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace gureum::agent
