// Reading the PEM files named by the TLS flags, with errors that name the
// flag and the file. Thread-safe.
#pragma once

#include <string>

#include <absl/status/statusor.h>

namespace gureum {

// The whole file; InvalidArgumentError "<flag> <path>: <reason>" when it
// cannot be read or holds no PEM block.
absl::StatusOr<std::string> ReadPemFile(const std::string& flag, const std::string& path);

}  // namespace gureum
