// AuditLog: one record per mutating API call (caller, project, source,
// request id, parameters with secrets redacted, outcome), written in its own
// transaction after the call's outcome is known; DescribeAuditEvents for
// admins. Thread-safe.
#pragma once

#include <string>

#include <absl/status/statusor.h>
#include <google/protobuf/message.h>

#include "controller/core/core_context.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

// The request as JSON with every secret-bearing field's value replaced by
// "REDACTED" (secret_access_key, token, user_data, private key material).
std::string RedactedJson(const google::protobuf::Message& request);

class AuditLog {
 public:
  explicit AuditLog(CoreContext& core) : core_(core) {}

  // Appends one record; failures are logged, never returned to the caller
  // (the call itself already happened).
  void Record(const RequestContext& ctx, const std::string& operation,
              const google::protobuf::Message& request, const absl::Status& outcome);

  absl::StatusOr<v1::DescribeAuditEventsResponse> Describe(
      const v1::DescribeAuditEventsRequest& request);

 private:
  CoreContext& core_;
};

}  // namespace gureum::controller
