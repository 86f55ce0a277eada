// HttpErrorMapper: the one place that turns a failed gRPC call, or a request the
// gateway refuses itself, into an HTTP status and the JSON error body
// {"code", "message", "field", "requestId"}. The table is documented in
// docs/gateway.md. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <grpcpp/support/status.h>
#include <nlohmann/json.hpp>

namespace gureum::gateway {

struct HttpError {
  int http_status = 500;
  nlohmann::json body;  // {"code", "message", "field", "requestId"}
};

class HttpErrorMapper {
 public:
  // The HTTP status for a gRPC code; `ec2_code` refines FAILED_PRECONDITION
  // (DryRunOperation is 412, as in EC2) and RESOURCE_EXHAUSTED (capacity
  // shortfalls are 503, limits and quotas 429).
  static int HttpStatusFor(grpc::StatusCode code, std::string_view ec2_code);

  // `status` must not be OK. The body comes from the ErrorDetail in
  // error_details; `request_id` is used when the detail carries none.
  static HttpError FromGrpc(const grpc::Status& status, std::string_view request_id);

  // An error the gateway produces itself (bad JSON, unknown route, ...).
  static HttpError Local(int http_status, std::string_view code, std::string_view field,
                         std::string_view message, std::string_view request_id = "");
};

}  // namespace gureum::gateway
