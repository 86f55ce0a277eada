// InstanceLauncher: RunInstances. The client-token lookup, the checks of
// image, type, key, zone and placement group, the quota check, placement and
// the capacity claim, and the insert of the instances with their events all
// happen in one transaction (atomic admission: no check-then-act; usage
// tables move with the insert by trigger). Thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "controller/core/host_image_index.h"
#include "controller/core/host_record_cache.h"
#include "controller/core/ip_allocator.h"
#include "controller/core/quota_policy.h"
#include "controller/scheduler/scheduler.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

class InstanceLauncher {
 public:
  InstanceLauncher(CoreContext& core, const Scheduler& scheduler, const IpAllocator& ips,
                   const QuotaPolicy& quotas, const HostImageIndex& image_index,
                   HostRecordCache& host_records)
      : core_(core),
        scheduler_(scheduler),
        ips_(ips),
        quotas_(quotas),
        image_index_(image_index),
        host_records_(host_records) {}

  // `request` has passed the API's field validation.
  absl::StatusOr<v1::RunInstancesResponse> Run(const RequestContext& ctx,
                                               const v1::RunInstancesRequest& request);

 private:
  std::string NewMacAddress(Repositories& repos);

  CoreContext& core_;
  const Scheduler& scheduler_;
  const IpAllocator& ips_;
  const QuotaPolicy& quotas_;
  const HostImageIndex& image_index_;
  HostRecordCache& host_records_;
};

}  // namespace gureum::controller
