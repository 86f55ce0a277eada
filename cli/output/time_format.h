// Timestamps for table and text cells: RFC 3339 in UTC to the second
// ("2024-05-01T12:30:00Z"), the same instant JSON shows but easier to scan.
// Pure; thread-safe.
#pragma once

#include <chrono>
#include <string>

#include <google/protobuf/timestamp.pb.h>

namespace gureum::cli {

// "" for an unset timestamp (zero), which tables show as "-".
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);

// Elapsed time for progress lines: "0.5s", "12.0s", "2m05s".
std::string FormatElapsed(std::chrono::milliseconds elapsed);

}  // namespace gureum::cli
