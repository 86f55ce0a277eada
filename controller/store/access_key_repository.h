// AccessKeyRepository: API keys (migration 4); only salted hashes of their
// secrets are stored. Called inside a Store transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "controller/store/database.h"
#include "controller/store/records.h"

namespace gureum::controller {

class AccessKeyRepository {
 public:
  explicit AccessKeyRepository(Database& db) : db_(db) {}

  void Insert(const AccessKeyRecord& key);
  std::optional<AccessKeyRecord> Get(const std::string& access_key_id);
  std::vector<AccessKeyRecord> ListForUser(const std::string& user_name);
  void SetStatus(const std::string& access_key_id, const std::string& status);
  void SetExpiry(const std::string& access_key_id, int64_t expires_at);
  void Delete(const std::string& access_key_id);

 private:
  Database& db_;
};

}  // namespace gureum::controller
