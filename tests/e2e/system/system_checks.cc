#include "tests/e2e/system/system_checks.h"

#include <cstdio>
#include <sstream>

namespace gureum::testing {
namespace {

template <typename Fn>
bool AnyLine(const std::string& console, Fn&& matches) {
  std::istringstream in(console);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (matches(line)) return true;
  }
  return false;
}

}  // namespace

int64_t JsonInt(const nlohmann::json& value) {
  if (value.is_string()) return std::stoll(value.get<std::string>());
  return value.get<int64_t>();
}

bool HasLine(const std::string& console, const std::string& line) {
  return AnyLine(console, [&](const std::string& l) { return l == line; });
}

bool HasLineStartingWith(const std::string& console, const std::string& prefix) {
  return AnyLine(console, [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

void ReportTiming(const std::string& what, double seconds) {
  std::printf("[timing] %s: %.1f s\n", what.c_str(), seconds);
  std::fflush(stdout);
}

}  // namespace gureum::testing
