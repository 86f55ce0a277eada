// QuotaPolicy: a project's limits (what an admin set, else the controller's
// defaults) and how many more instances of one shape they admit. Used inside
// the transaction that inserts the instances, so the check and the claim are
// one step (the usage table is kept by triggers in that same transaction).
// Immutable, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <absl/status/statusor.h>

#include "controller/store/store.h"

namespace gureum::controller {

// The four resources, in the order describe-quotas lists them.
inline constexpr std::string_view kQuotaResources[] = {"instances", "vcpus", "memory-mib",
                                                       "disk-gib"};

class QuotaPolicy {
 public:
  // Defaults when an admin has set nothing (-1 = unlimited).
  static ResourceAmounts BuiltInDefaults() { return {100, 400, 1048576, 20480}; }

  explicit QuotaPolicy(ResourceAmounts defaults = BuiltInDefaults()) : defaults_(defaults) {}

  static bool IsResource(const std::string& name);
  static int64_t Get(const ResourceAmounts& amounts, std::string_view resource);
  static void Set(ResourceAmounts& amounts, std::string_view resource, int64_t value);

  ResourceAmounts Limits(Repositories& repos, const std::string& project_id) const;

  // How many instances of `each` the project may still launch (capped at
  // max_count), or InstanceLimitExceeded / VcpuLimitExceeded /
  // MemoryLimitExceeded / DiskLimitExceeded naming the quota, its limit and
  // the usage when fewer than min_count fit.
  absl::StatusOr<int> Headroom(Repositories& repos, const std::string& project_id,
                               const ResourceAmounts& each, int min_count, int max_count) const;

 private:
  ResourceAmounts defaults_;
};

}  // namespace gureum::controller
