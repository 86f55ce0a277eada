#include "controller/core/quota_service.h"

#include "common/api_error.h"

namespace gureum::controller {
namespace {

v1::Quota ToApiQuota(const std::string& project_id, std::string_view resource,
                     const ResourceAmounts& limits, const ResourceAmounts& usage) {
  v1::Quota quota;
  quota.set_project_id(project_id);
  quota.set_resource(std::string(resource));
  quota.set_limit(QuotaPolicy::Get(limits, resource));
  quota.set_usage(QuotaPolicy::Get(usage, resource));
  return quota;
}

absl::Status CheckProject(const RequestContext& ctx, const std::string& project_id) {
  if (project_id != ctx.project_id && !ctx.admin) {
    return UnauthorizedOperation(
        "ProjectId", "You are not authorized to see the quotas of project " + project_id);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::DescribeQuotasResponse> QuotaService::Describe(
    const RequestContext& ctx, const v1::DescribeQuotasRequest& request) {
  const std::string project_id =
      request.project_id().empty() ? ctx.project_id : request.project_id();
  if (auto s = CheckProject(ctx, project_id); !s.ok()) return s;
  return core_.store.Read([&](Repositories& repos) -> absl::StatusOr<v1::DescribeQuotasResponse> {
    const ResourceAmounts limits = policy_.Limits(repos, project_id);
    const ResourceAmounts usage = repos.quotas.Usage(project_id);
    v1::DescribeQuotasResponse response;
    for (std::string_view resource : kQuotaResources) {
      *response.add_quotas() = ToApiQuota(project_id, resource, limits, usage);
    }
    return response;
  });
}

absl::StatusOr<v1::Quota> QuotaService::Set(const RequestContext& ctx,
                                            const v1::SetQuotaRequest& request) {
  if (!ctx.admin) {
    return UnauthorizedOperation("", "Only an admin may set quotas");
  }
  const std::string project_id =
      request.project_id().empty() ? ctx.project_id : request.project_id();
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<v1::Quota> {
    const int64_t before = QuotaPolicy::Get(policy_.Limits(repos, project_id), request.resource());
    repos.quotas.SetLimit(project_id, request.resource(), request.limit());
    RecordEvent(repos, changes, ctx, now, "quota", project_id + "/" + request.resource(),
                "quota.set",
                "quota " + request.resource() + " of project " + project_id + " set to " +
                    std::to_string(request.limit()),
                std::to_string(before), std::to_string(request.limit()));
    return ToApiQuota(project_id, request.resource(), policy_.Limits(repos, project_id),
                      repos.quotas.Usage(project_id));
  });
}

}  // namespace gureum::controller
