#include "gateway/grpc_json_bridge.h"

#include <google/protobuf/util/json_util.h>

#include "common/api_error.h"

namespace gureum::gateway {

absl::Status GrpcJsonBridge::ParseBody(std::string_view body, google::protobuf::Message* message) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return absl::OkStatus();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), body.size()), message, options);
  if (!status.ok()) {
    return InvalidParameter("", "request body is not a valid " + message->GetDescriptor()->name() +
                                    " JSON object: " + std::string(status.message()));
  }
  return absl::OkStatus();
}

std::string GrpcJsonBridge::ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  // Serializing a well-formed message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

}  // namespace gureum::gateway
