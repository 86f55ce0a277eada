#include "cli/rpc/call_error_message.h"

#include <cstdio>

#include "common/api_error.h"

namespace gureum::cli {
namespace {

std::string Seconds(std::chrono::milliseconds timeout) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", static_cast<double>(timeout.count()) / 1000.0);
  return buffer;
}

}  // namespace

bool IsTransportFailure(const grpc::Status& status) {
  // A Gureum server always attaches an ErrorDetail; without one the status came
  // from the gRPC runtime itself.
  if (!status.error_details().empty()) return false;
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

std::string CallErrorMessage(std::string_view operation, const grpc::Status& status,
                             std::string_view endpoint, std::chrono::milliseconds timeout) {
  const std::string op(operation);
  const std::string where(endpoint);
  if (IsTransportFailure(status)) {
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      return "Read timeout on endpoint " + where + ": no reply to the " + op +
             " operation within " + Seconds(timeout) + " s (raise --timeout)";
    }
    std::string message =
        "Could not connect to the endpoint " + where + " when calling the " + op + " operation";
    if (!status.error_message().empty()) message += ": " + status.error_message();
    return message;
  }
  if (status.error_details().empty() && status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    return "The endpoint " + where + " does not serve the " + op +
           " operation (is it a Gureum controller?): " + status.error_message();
  }
  ApiErrorParts parts = FromGrpcStatus(status);
  std::string message = parts.message.empty() ? status.error_message() : parts.message;
  return "An error occurred (" + parts.code + ") when calling the " + op + " operation: " + message;
}

}  // namespace gureum::cli
