#include "common/api_error.h"

#include <absl/strings/cord.h>

#include "gureum/v1/compute.pb.h"

namespace gureum {
namespace {

constexpr std::string_view kCodeUrl = "type.gureum.dev/ec2-code";
constexpr std::string_view kFieldUrl = "type.gureum.dev/field";

std::string DefaultCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return std::string(errc::kInvalidParameterValue);
    case absl::StatusCode::kNotFound:
      return "NotFound";
    case absl::StatusCode::kAlreadyExists:
      return "AlreadyExists";
    case absl::StatusCode::kFailedPrecondition:
      return "IncorrectState";
    case absl::StatusCode::kResourceExhausted:
      return "RequestLimitExceeded";
    case absl::StatusCode::kUnauthenticated:
      return "AuthFailure";
    case absl::StatusCode::kPermissionDenied:
      return "UnauthorizedOperation";
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return std::string(errc::kUnavailable);
    default:
      return std::string(errc::kInternalError);
  }
}

}  // namespace

absl::Status ApiError(absl::StatusCode code, std::string_view ec2_code, std::string_view field,
                      std::string_view message) {
  absl::Status status(code, std::string(message));
  status.SetPayload(std::string(kCodeUrl), absl::Cord(std::string(ec2_code)));
  if (!field.empty()) status.SetPayload(std::string(kFieldUrl), absl::Cord(std::string(field)));
  return status;
}

absl::Status InvalidParameter(std::string_view field, std::string_view message) {
  return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidParameterValue, field, message);
}

absl::Status NotFoundError(std::string_view ec2_code, std::string_view field,
                           std::string_view message) {
  return ApiError(absl::StatusCode::kNotFound, ec2_code, field, message);
}

absl::Status UnauthorizedOperation(std::string_view field, std::string_view message) {
  return ApiError(absl::StatusCode::kPermissionDenied, errc::kUnauthorizedOperation, field,
                  message);
}

absl::Status InsufficientFreeAddresses(std::string_view field, std::string_view message) {
  return ApiError(absl::StatusCode::kResourceExhausted, errc::kInsufficientFreeAddressesInSubnet,
                  field, message);
}

std::string ErrorCodeOf(const absl::Status& status) {
  if (status.ok()) return "";
  if (auto payload = status.GetPayload(std::string(kCodeUrl))) return std::string(*payload);
  return DefaultCode(status.code());
}

std::string ErrorFieldOf(const absl::Status& status) {
  if (auto payload = status.GetPayload(std::string(kFieldUrl))) return std::string(*payload);
  return "";
}

grpc::Status ToGrpcStatus(const absl::Status& status, std::string_view request_id) {
  if (status.ok()) return grpc::Status::OK;
  gureum::v1::ErrorDetail detail;
  detail.set_code(ErrorCodeOf(status));
  detail.set_message(std::string(status.message()));
  detail.set_field(ErrorFieldOf(status));
  detail.set_request_id(std::string(request_id));
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      detail.code() + ": " + detail.message(), detail.SerializeAsString());
}

ApiErrorParts FromGrpcStatus(const grpc::Status& status) {
  ApiErrorParts parts;
  parts.grpc_code = status.error_code();
  if (status.ok()) return parts;
  gureum::v1::ErrorDetail detail;
  if (!status.error_details().empty() && detail.ParseFromString(status.error_details())) {
    parts.code = detail.code();
    parts.message = detail.message();
    parts.field = detail.field();
    parts.request_id = detail.request_id();
    return parts;
  }
  // Not from a Gureum server (transport failure, deadline): derive a code.
  parts.code = DefaultCode(static_cast<absl::StatusCode>(status.error_code()));
  parts.message = status.error_message();
  return parts;
}

}  // namespace gureum
