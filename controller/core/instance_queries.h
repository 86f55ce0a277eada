// InstanceQueries: DescribeInstances with filters and pagination. The next
// token is opaque to clients: it encodes the last row's sequence number, so
// pages stay stable while instances are added. Thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

class InstanceQueries {
 public:
  explicit InstanceQueries(CoreContext& core) : core_(core) {}

  // `request` has passed the API's validation (filter names, max_results).
  // Fills the empty *response in place (it may live on the call's arena).
  absl::Status Describe(const RequestContext& ctx, const v1::DescribeInstancesRequest& request,
                        v1::DescribeInstancesResponse* response);

  static std::string EncodeNextToken(int64_t seq);
  static absl::StatusOr<int64_t> DecodeNextToken(const std::string& token);

 private:
  CoreContext& core_;
};

}  // namespace gureum::controller
