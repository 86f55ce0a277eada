#include "common/tls/pem_files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace gureum {

absl::StatusOr<std::string> ReadPemFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(flag + " " + path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(flag + " " + path + ": not a PEM file");
  }
  return text.str();
}

}  // namespace gureum
