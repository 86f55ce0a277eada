// PlacementGroupService: CreatePlacementGroup, DescribePlacementGroups,
// DeletePlacementGroup (refused while instances of the group are not
// terminated, as EC2's InvalidPlacementGroup.InUse). Thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

class PlacementGroupService {
 public:
  explicit PlacementGroupService(CoreContext& core) : core_(core) {}

  // `request` has passed the API's validation (name, strategy, tags).
  absl::StatusOr<v1::PlacementGroup> Create(const RequestContext& ctx,
                                            const v1::CreatePlacementGroupRequest& request);
  absl::StatusOr<v1::DescribePlacementGroupsResponse> Describe(
      const RequestContext& ctx, const v1::DescribePlacementGroupsRequest& request);
  absl::Status Delete(const RequestContext& ctx, const v1::DeletePlacementGroupRequest& request);

 private:
  CoreContext& core_;
};

}  // namespace gureum::controller
