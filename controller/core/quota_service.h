// QuotaService: DescribeQuotas (limits and exact usage of a project) and
// SetQuota (admin). Thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "controller/core/quota_policy.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

class QuotaService {
 public:
  QuotaService(CoreContext& core, const QuotaPolicy& policy) : core_(core), policy_(policy) {}

  absl::StatusOr<v1::DescribeQuotasResponse> Describe(const RequestContext& ctx,
                                                      const v1::DescribeQuotasRequest& request);
  // `request` has passed the API's validation (known resource, limit >= -1).
  absl::StatusOr<v1::Quota> Set(const RequestContext& ctx, const v1::SetQuotaRequest& request);

 private:
  CoreContext& core_;
  const QuotaPolicy& policy_;
};

}  // namespace gureum::controller
