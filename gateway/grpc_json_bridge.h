// GrpcJsonBridge: converts between HTTP bodies and protobuf messages with
// protobuf's own JSON mapping (lowerCamelCase names, int64 as strings, bytes
// as base64, Timestamp as RFC 3339), so the REST and gRPC APIs cannot drift.
// Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <absl/status/status.h>
#include <google/protobuf/message.h>

namespace gureum::gateway {

class GrpcJsonBridge {
 public:
  // Parses a JSON object into `message`. An empty body leaves the message at
  // its defaults. Unknown fields are refused, so a typo is an error rather
  // than a silently ignored setting. Errors are InvalidParameterValue.
  static absl::Status ParseBody(std::string_view body, google::protobuf::Message* message);

  // The message as JSON, with every field present (zeros and empty lists too)
  // so that clients need no knowledge of proto3 defaults.
  static std::string ToJson(const google::protobuf::Message& message);
};

}  // namespace gureum::gateway
