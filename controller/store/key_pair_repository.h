// KeyPairRepository: SSH public keys by project. Called inside a Store transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "controller/store/database.h"
#include "controller/store/records.h"

namespace gureum::controller {

class KeyPairRepository {
 public:
  explicit KeyPairRepository(Database& db) : db_(db) {}

  void Insert(const KeyPairRecord& record);
  std::optional<KeyPairRecord> GetByName(const std::string& project_id, const std::string& name);
  std::optional<KeyPairRecord> GetById(const std::string& key_pair_id);
  std::vector<KeyPairRecord> List(const std::string& project_id);
  void Delete(const std::string& key_pair_id);

 private:
  Database& db_;
};

}  // namespace gureum::controller
