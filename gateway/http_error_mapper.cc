#include "gateway/http_error_mapper.h"

#include "common/api_error.h"

namespace gureum::gateway {

int HttpErrorMapper::HttpStatusFor(grpc::StatusCode code, std::string_view ec2_code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return ec2_code == errc::kDryRunOperation ? 412 : 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      // Capacity is the cloud's shortfall, not the caller's: retry later or
      // elsewhere. Limits and quotas are the caller's: 429.
      return ec2_code.starts_with("Insufficient") ? 503 : 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

HttpError HttpErrorMapper::FromGrpc(const grpc::Status& status, std::string_view request_id) {
  ApiErrorParts parts = FromGrpcStatus(status);
  std::string id = parts.request_id.empty() ? std::string(request_id) : parts.request_id;
  // A method the controller does not implement carries no ErrorDetail.
  if (parts.grpc_code == grpc::StatusCode::UNIMPLEMENTED && status.error_details().empty()) {
    parts.code = "NotImplemented";
  }
  return Local(HttpStatusFor(parts.grpc_code, parts.code), parts.code, parts.field, parts.message,
               id);
}

HttpError HttpErrorMapper::Local(int http_status, std::string_view code, std::string_view field,
                                 std::string_view message, std::string_view request_id) {
  HttpError error;
  error.http_status = http_status;
  error.body = {{"code", code}, {"message", message}, {"field", field}, {"requestId", request_id}};
  return error;
}

}  // namespace gureum::gateway
