// InstanceTypeRepository: the catalogue of instance types. Called inside a
// Store transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "controller/store/database.h"
#include "controller/store/records.h"

namespace gureum::controller {

class InstanceTypeRepository {
 public:
  explicit InstanceTypeRepository(Database& db) : db_(db) {}

  void Insert(const InstanceTypeRecord& record, int64_t now);
  std::optional<InstanceTypeRecord> Get(const std::string& name);
  // Ordered by size (vcpus, memory), then name.
  std::vector<InstanceTypeRecord> List();
  void Delete(const std::string& name);

 private:
  Database& db_;
};

}  // namespace gureum::controller
