#include "controller/store/quota_repository.h"

namespace gureum::controller {

std::optional<int64_t> QuotaRepository::Limit(const std::string& project_id,
                                              const std::string& resource) {
  Statement s = db_.Prepare("SELECT hard_limit FROM quotas WHERE project_id = ? AND resource = ?");
  if (!s.Bind(1, project_id).Bind(2, resource).Step()) return std::nullopt;
  return s.Int(0);
}

void QuotaRepository::SetLimit(const std::string& project_id, const std::string& resource,
                               int64_t limit) {
  db_.Prepare(
         "INSERT INTO quotas (project_id, resource, hard_limit) VALUES (?,?,?) "
         "ON CONFLICT (project_id, resource) DO UPDATE SET hard_limit = excluded.hard_limit")
      .Bind(1, project_id)
      .Bind(2, resource)
      .Bind(3, limit)
      .Run();
}

ResourceAmounts QuotaRepository::Usage(const std::string& project_id) {
  Statement s = db_.Prepare(
      "SELECT instances, vcpus, memory_mib, disk_gib FROM project_usage WHERE project_id = ?");
  if (!s.Bind(1, project_id).Step()) return {};
  return ResourceAmounts{s.Int(0), s.Int(1), s.Int(2), s.Int(3)};
}

}  // namespace gureum::controller
