// InstanceTypeCatalog: DescribeInstanceTypes and the admin's
// CreateInstanceType / DeleteInstanceType. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

class InstanceTypeCatalog {
 public:
  explicit InstanceTypeCatalog(CoreContext& core) : core_(core) {}

  absl::StatusOr<v1::DescribeInstanceTypesResponse> Describe(const std::vector<std::string>& names);
  // `type` has passed the API's validation.
  absl::StatusOr<v1::InstanceTypeInfo> Create(const RequestContext& ctx,
                                              const v1::InstanceTypeInfo& type);
  absl::Status Delete(const RequestContext& ctx, const std::string& name);

 private:
  CoreContext& core_;
};

}  // namespace gureum::controller
