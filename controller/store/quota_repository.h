// QuotaRepository: limits an admin set per project and the usage the
// instance repository keeps (instance_repository.h). Called inside a Store
// transaction.
#pragma once

#include <optional>
#include <string>

#include "controller/store/database.h"
#include "controller/store/records.h"

namespace gureum::controller {

class QuotaRepository {
 public:
  explicit QuotaRepository(Database& db) : db_(db) {}

  // The stored limit of one resource, if an admin set one.
  std::optional<int64_t> Limit(const std::string& project_id, const std::string& resource);
  void SetLimit(const std::string& project_id, const std::string& resource, int64_t limit);
  // What the project's non-terminated instances hold.
  ResourceAmounts Usage(const std::string& project_id);

 private:
  Database& db_;
};

}  // namespace gureum::controller
