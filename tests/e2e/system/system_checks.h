// Small helpers shared by the system tests: reading CLI JSON numbers, lines
// of a guest console, and printing the timings a run measured.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace gureum::testing {

// protobuf's JSON prints 64-bit integers as strings and 32-bit ones as numbers.
int64_t JsonInt(const nlohmann::json& value);

// Whether a console has a line equal to `line` (after trimming trailing spaces).
bool HasLine(const std::string& console, const std::string& line);
// Whether a console has a line that starts with `prefix`.
bool HasLineStartingWith(const std::string& console, const std::string& prefix);

// Prints "[timing] <what>: <seconds> s" to stdout, for the test log.
void ReportTiming(const std::string& what, double seconds);

}  // namespace gureum::testing
