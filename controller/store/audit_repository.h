// AuditRepository: the audit log of mutating calls (migration 4). Append-only
// through the API; called inside a Store transaction.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "controller/store/database.h"
#include "controller/store/records.h"

namespace gureum::controller {

struct AuditQuery {
  // Column -> accepted values (user_name, project_id, operation, outcome).
  std::map<std::string, std::vector<std::string>> filters;
  int64_t before_seq = 0;  // 0: from the newest
  int limit = 100;
};

class AuditRepository {
 public:
  explicit AuditRepository(Database& db) : db_(db) {}

  int64_t Append(const AuditRecord& record);
  // Newest first.
  std::vector<AuditRecord> List(const AuditQuery& query);

 private:
  Database& db_;
};

}  // namespace gureum::controller
