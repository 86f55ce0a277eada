// ClientTokenRepository: idempotency records. A client token is stored in the
// same transaction as the effect it guards, with a hash of the request, so a
// retry returns the original result and a reuse with other parameters is
// refused. Called inside a Store transaction.
#pragma once

#include <optional>
#include <string>

#include "controller/store/database.h"

namespace gureum::controller {

struct ClientTokenRecord {
  std::string operation;
  std::string request_hash;
  std::string result;  // operation-specific (e.g. the reservation id)
  int64_t created_at = 0;
};

class ClientTokenRepository {
 public:
  explicit ClientTokenRepository(Database& db) : db_(db) {}

  std::optional<ClientTokenRecord> Get(const std::string& project_id, const std::string& token);
  void Insert(const std::string& project_id, const std::string& token,
              const ClientTokenRecord& record);
  // Stamps `now` as the end of tokens whose resource has ended (every
  // instance of the reservation terminated or purged; the image deregistered
  // or gone); returns how many.
  int MarkEnded(int64_t now);
  // Forgets tokens created before `created_cutoff` whose resource ended before
  // `ended_cutoff`; returns how many.
  int PurgeBefore(int64_t created_cutoff, int64_t ended_cutoff);

 private:
  Database& db_;
};

}  // namespace gureum::controller
