// YamlQuote: renders text as one YAML double-quoted scalar, so values that
// come from users (hostnames, SSH keys) can never change the document's
// structure. Thread-safe (pure function).
#pragma once

#include <string>
#include <string_view>

#include <absl/status/statusor.h>

namespace gureum::agent {

// `"` and `\` are escaped; line breaks, control characters and the code
// points YAML forbids in a stream are written as \xNN or \uNNNN escapes; other
// UTF-8 passes through. InvalidArgument if `text` is not valid UTF-8 (YAML
// cannot carry raw bytes).
absl::StatusOr<std::string> YamlQuote(std::string_view text);

}  // namespace gureum::agent
