#include "controller/core/quota_policy.h"

#include <algorithm>

#include "common/api_error.h"

namespace gureum::controller {
namespace {

std::string_view LimitCode(std::string_view resource) {
  if (resource == "instances") return errc::kInstanceLimitExceeded;
  if (resource == "vcpus") return errc::kVcpuLimitExceeded;
  if (resource == "memory-mib") return errc::kMemoryLimitExceeded;
  return errc::kDiskLimitExceeded;
}

}  // namespace

bool QuotaPolicy::IsResource(const std::string& name) {
  return std::find(std::begin(kQuotaResources), std::end(kQuotaResources), name) !=
         std::end(kQuotaResources);
}

int64_t QuotaPolicy::Get(const ResourceAmounts& a, std::string_view resource) {
  if (resource == "instances") return a.instances;
  if (resource == "vcpus") return a.vcpus;
  if (resource == "memory-mib") return a.memory_mib;
  return a.disk_gib;
}

void QuotaPolicy::Set(ResourceAmounts& a, std::string_view resource, int64_t value) {
  if (resource == "instances") {
    a.instances = value;
  } else if (resource == "vcpus") {
    a.vcpus = value;
  } else if (resource == "memory-mib") {
    a.memory_mib = value;
  } else {
    a.disk_gib = value;
  }
}

ResourceAmounts QuotaPolicy::Limits(Repositories& repos, const std::string& project_id) const {
  ResourceAmounts limits = defaults_;
  for (std::string_view resource : kQuotaResources) {
    if (auto stored = repos.quotas.Limit(project_id, std::string(resource))) {
      Set(limits, resource, *stored);
    }
  }
  return limits;
}

absl::StatusOr<int> QuotaPolicy::Headroom(Repositories& repos, const std::string& project_id,
                                          const ResourceAmounts& each, int min_count,
                                          int max_count) const {
  const ResourceAmounts limits = Limits(repos, project_id);
  const ResourceAmounts usage = repos.quotas.Usage(project_id);
  int64_t fit = max_count;
  for (std::string_view resource : kQuotaResources) {
    const int64_t limit = Get(limits, resource);
    const int64_t per_instance = Get(each, resource);
    if (limit < 0 || per_instance <= 0) continue;  // unlimited, or nothing asked
    const int64_t used = Get(usage, resource);
    const int64_t room = std::max<int64_t>(0, (limit - used) / per_instance);
    if (room < min_count) {
      return ApiError(absl::StatusCode::kResourceExhausted, LimitCode(resource), "MinCount",
                      "Quota '" + std::string(resource) + "' of project " + project_id + " is " +
                          std::to_string(limit) + " and " + std::to_string(used) +
                          " is in use: room for " + std::to_string(room) + " more instance(s)" +
                          (resource == "instances" ? std::string()
                                                   : " of " + std::to_string(per_instance) + " " +
                                                         std::string(resource) + " each") +
                          ", at least " + std::to_string(min_count) + " requested");
    }
    fit = std::min(fit, room);
  }
  return static_cast<int>(fit);
}

}  // namespace gureum::controller
