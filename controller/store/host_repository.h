// HostRepository: hypervisor hosts as their agents registered them. Called
// inside a Store transaction.
#pragma once

#include <atomic>
#include <cstdint>
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

  // Counts the writes to hosts that the scheduler's view depends on (every
  // write but TouchHeartbeat), in any store of the process. HostRecordCache
  // compares it to know its copy is current; HostDirectory also bumps it
  // after each of its transactions ends, so a copy read while a change was
  // not yet committed (or was about to be rolled back) is never kept.
  static uint64_t Generation() { return generation_.load(std::memory_order_acquire); }
  static void NoteChanged() { generation_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  static inline std::atomic<uint64_t> generation_{0};
  Database& db_;
};

}  // namespace gureum::controller
