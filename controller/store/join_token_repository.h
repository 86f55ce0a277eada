// JoinTokenRepository: one-time join tokens. Only a salted hash of the secret
// is stored; a token is bound to one host name, expires, and is marked used in
// the transaction that issues the certificate. Called inside a Store
// transaction.
#pragma once

#include <optional>
#include <string>

#include "controller/store/database.h"

namespace gureum::controller {

struct JoinTokenRecord {
  std::string token_id;
  std::string host_name;
  std::string salt;
  std::string hash;
  std::string created_by;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t used_at = 0;  // 0: not used
};

class JoinTokenRepository {
 public:
  explicit JoinTokenRepository(Database& db) : db_(db) {}

  void Insert(const JoinTokenRecord& record);
  std::optional<JoinTokenRecord> Get(const std::string& token_id);
  // Marks an unused token used; false if it was used already.
  bool MarkUsed(const std::string& token_id, int64_t now);

 private:
  Database& db_;
};

}  // namespace gureum::controller
