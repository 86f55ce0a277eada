// PlacementGroupRepository: placement groups by project, with their tags.
// Called inside a Store transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "controller/store/database.h"
#include "controller/store/records.h"

namespace gureum::controller {

class PlacementGroupRepository {
 public:
  explicit PlacementGroupRepository(Database& db) : db_(db) {}

  void Insert(const PlacementGroupRecord& record);
  std::optional<PlacementGroupRecord> GetByName(const std::string& project_id,
                                                const std::string& group_name);
  std::optional<PlacementGroupRecord> GetById(const std::string& group_id);
  // Every group of the project, by name.
  std::vector<PlacementGroupRecord> List(const std::string& project_id);
  void Delete(const std::string& group_id);
  // Instances of the group that are not terminated.
  int CountActiveInstances(const std::string& group_id);

 private:
  void LoadTags(PlacementGroupRecord& record);
  Database& db_;
};

}  // namespace gureum::controller
