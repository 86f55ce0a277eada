// Protobuf messages as JSON, using protobuf's canonical JSON mapping (lowerCamelCase
// names, int64 as strings, bytes as base64, zero values printed) so the CLI's output
// matches what the REST gateway will serve. Pure; thread-safe.
#pragma once

#include <string>

#include <google/protobuf/message.h>

namespace gureum::cli {

// Indented by two spaces, ending in a newline.
std::string ToPrettyJson(const google::protobuf::Message& message);
// One line without a trailing newline (JSON Lines, for streams).
std::string ToCompactJson(const google::protobuf::Message& message);

}  // namespace gureum::cli
