#include "cli/output/time_format.h"

#include <cstdio>
#include <ctime>

namespace gureum::cli {

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  std::time_t seconds = static_cast<std::time_t>(timestamp.seconds());
  std::tm utc{};
  if (gmtime_r(&seconds, &utc) == nullptr) return "";
  char buffer[32];
  size_t n = std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(buffer, n);
}

std::string FormatElapsed(std::chrono::milliseconds elapsed) {
  int64_t ms = elapsed.count() < 0 ? 0 : elapsed.count();
  char buffer[32];
  if (ms < 60'000) {
    std::snprintf(buffer, sizeof(buffer), "%lld.%llds", static_cast<long long>(ms / 1000),
                  static_cast<long long>((ms % 1000) / 100));
  } else {
    int64_t total_seconds = ms / 1000;
    std::snprintf(buffer, sizeof(buffer), "%lldm%02llds",
                  static_cast<long long>(total_seconds / 60),
                  static_cast<long long>(total_seconds % 60));
  }
  return buffer;
}

}  // namespace gureum::cli
