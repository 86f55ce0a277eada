// ParseKeyValues: "name=number" command-line values (e.g. --weigher
// free-memory=-1) into a map; the error names the flag and the bad value.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

namespace gureum {

inline absl::StatusOr<std::map<std::string, double>> ParseKeyValues(
    const std::vector<std::string>& items, const std::string& flag) {
  std::map<std::string, double> out;
  for (const std::string& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(flag + " '" + item + "': expected NAME=NUMBER");
    }
    try {
      size_t used = 0;
      const std::string number = item.substr(eq + 1);
      const double value = std::stod(number, &used);
      if (used != number.size()) throw std::invalid_argument(number);
      out[item.substr(0, eq)] = value;
    } catch (const std::exception&) {
      return absl::InvalidArgumentError(flag + " '" + item + "': the value is not a number");
    }
  }
  return out;
}

}  // namespace gureum
