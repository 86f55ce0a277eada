#include "controller/core/placement_group_service.h"

#include "common/api_error.h"
#include "controller/core/instance_view.h"

namespace gureum::controller {
namespace {

absl::Status UnknownGroup(const std::string& field, const std::string& what) {
  return NotFoundError(errc::kInvalidPlacementGroupUnknown, field,
                       "The placement group '" + what + "' is unknown");
}

}  // namespace

absl::StatusOr<v1::PlacementGroup> PlacementGroupService::Create(
    const RequestContext& ctx, const v1::CreatePlacementGroupRequest& request) {
  const int64_t now = core_.clock.NowMillis();
  return Commit(
      core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<v1::PlacementGroup> {
        if (repos.placement_groups.GetByName(ctx.project_id, request.group_name())) {
          return ApiError(absl::StatusCode::kAlreadyExists, errc::kInvalidPlacementGroupDuplicate,
                          "GroupName",
                          "The placement group '" + request.group_name() + "' already exists");
        }
        PlacementGroupRecord record;
        record.group_id = core_.ids.Next("pg");
        record.project_id = ctx.project_id;
        record.group_name = request.group_name();
        record.strategy = request.strategy();
        record.created_at = now;
        for (const auto& tag : request.tags()) record.tags.emplace_back(tag.key(), tag.value());
        repos.placement_groups.Insert(record);
        RecordEvent(repos, changes, ctx, now, "placement-group", record.group_id,
                    "placement-group.created",
                    "placement group " + record.group_name + " (" + record.strategy + ") created",
                    "", "available");
        return ToApiPlacementGroup(record, 0);
      });
}

absl::StatusOr<v1::DescribePlacementGroupsResponse> PlacementGroupService::Describe(
    const RequestContext& ctx, const v1::DescribePlacementGroupsRequest& request) {
  return core_.store.Read(
      [&](Repositories& repos) -> absl::StatusOr<v1::DescribePlacementGroupsResponse> {
        std::vector<PlacementGroupRecord> groups;
        for (const std::string& name : request.group_names()) {
          auto group = repos.placement_groups.GetByName(ctx.project_id, name);
          if (!group) return UnknownGroup("GroupNames", name);
          groups.push_back(*group);
        }
        for (const std::string& id : request.group_ids()) {
          auto group = repos.placement_groups.GetById(id);
          if (!group || group->project_id != ctx.project_id) return UnknownGroup("GroupIds", id);
          groups.push_back(*group);
        }
        if (request.group_names().empty() && request.group_ids().empty()) {
          groups = repos.placement_groups.List(ctx.project_id);
        }
        v1::DescribePlacementGroupsResponse response;
        for (const PlacementGroupRecord& group : groups) {
          *response.add_placement_groups() = ToApiPlacementGroup(
              group, repos.placement_groups.CountActiveInstances(group.group_id));
        }
        return response;
      });
}

absl::Status PlacementGroupService::Delete(const RequestContext& ctx,
                                           const v1::DeletePlacementGroupRequest& request) {
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::Status {
    std::optional<PlacementGroupRecord> group;
    if (!request.group_id().empty()) {
      group = repos.placement_groups.GetById(request.group_id());
      if (!group || group->project_id != ctx.project_id) {
        return UnknownGroup("GroupId", request.group_id());
      }
    } else {
      group = repos.placement_groups.GetByName(ctx.project_id, request.group_name());
      if (!group) return UnknownGroup("GroupName", request.group_name());
    }
    if (int in_use = repos.placement_groups.CountActiveInstances(group->group_id); in_use > 0) {
      return ApiError(absl::StatusCode::kFailedPrecondition, errc::kInvalidPlacementGroupInUse,
                      "GroupName",
                      "The placement group '" + group->group_name + "' is in use by " +
                          std::to_string(in_use) + " instance(s) that are not terminated");
    }
    repos.placement_groups.Delete(group->group_id);
    RecordEvent(repos, changes, ctx, now, "placement-group", group->group_id,
                "placement-group.deleted", "placement group " + group->group_name + " deleted",
                "available", "deleted");
    return absl::OkStatus();
  });
}

}  // namespace gureum::controller
