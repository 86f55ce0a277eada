// HostRecordCache: the hosts table as last read, for the paths that would
// otherwise read every host row on every call: placement (once per
// RunInstances) and heartbeats (one per host every few seconds). Hosts change
// rarely (register, up/unreachable, enable/disable); the copy is dropped
// whenever HostRepository::Generation() moved, and re-read in the caller's
// transaction. At 1,000 hosts re-reading the table was the largest part of a
// RunInstances (docs/benchmarks.md). Thread-safe; snapshots are immutable.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/store/store.h"

namespace gureum::controller {

class HostRecordCache {
 public:
  struct Snapshot {
    std::vector<HostRecord> hosts;                  // ordered by name, as HostRepository::List
    std::unordered_map<std::string, size_t> by_id;  // host id -> index in hosts
  };

  // The current snapshot, read through `repos` if the cached one is stale.
  std::shared_ptr<const Snapshot> Get(Repositories& repos);
  // The cached snapshot if it is current, else null (no store access).
  std::shared_ptr<const Snapshot> Peek() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;  // guarded by mutex_
  uint64_t generation_ = 0;                   // guarded by mutex_: what snapshot_ was read at
};

}  // namespace gureum::controller
