// WritePortFile: publishes the port a server bound (for --port-file) by
// writing a temporary file and renaming it, so a reader never sees it half
// written.
#pragma once

#include <cstdio>
#include <fstream>
#include <string>

namespace gureum {

inline void WritePortFile(const std::string& path, int port) {
  std::ofstream(path + ".tmp") << port << "\n";
  std::rename((path + ".tmp").c_str(), path.c_str());
}

}  // namespace gureum
