// WritePortFile: publishes the port a server bound (for --port-file), written
// atomically (common/durable_file.h), so a reader never sees it half written.
#pragma once

#include <string>

#include <absl/status/status.h>

#include "common/durable_file.h"

namespace gureum {

inline absl::Status WritePortFile(const std::string& path, int port) {
  return WriteFileAtomically(path, std::to_string(port) + "\n");
}

}  // namespace gureum
