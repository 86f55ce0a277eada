// HostRepository: hypervisor hosts as their agents registered them. Called
// inside a Store transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "controller/store/database.h"
#include "controller/store/records.h"

namespace gureum::controller {

class HostRepository {
 public:
  explicit HostRepository(Database& db) : db_(db) {}

  // Inserts, or updates the capacity/facts of the host with this name while
  // keeping its id and enabled flag. Returns the stored row.
  HostRecord Upsert(const HostRecord& record);
  std::optional<HostRecord> Get(const std::string& host_id);
  std::optional<HostRecord> GetByName(const std::string& name);
  std::vector<HostRecord> List();
  void SetState(const std::string& host_id, const std::string& state);
  // Enabling clears the reason.
  void SetEnabled(const std::string& host_id, bool enabled, const std::string& disabled_reason);
  void TouchHeartbeat(const std::string& host_id, int64_t at);

 private:
  Database& db_;
};

}  // namespace gureum::controller
