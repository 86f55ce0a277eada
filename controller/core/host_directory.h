// HostDirectory: hosts as their agents register them, their liveness
// (`up` while the agent heartbeats; `unreachable` once its stream closes or
// no heartbeat came within the TTL — instances there are then `unknown`,
// never terminated or rescheduled), maintenance
// (disable/enable), and the admin's view of hosts and availability zones with
// capacity (after overcommit) and allocation. Thread-safe.
//
// Heartbeats are kept in memory and written to the database at most once per
// `kHeartbeatPersistMs` per host: at 1,000 hosts beating every 2 s a write
// transaction (an fsync) per heartbeat cost more than placing instances
// (docs/benchmarks.md). Liveness decisions use the newer of the two, so a
// restarted controller starts from the persisted value (and its start-up
// grace) as before.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "controller/core/host_image_index.h"
#include "controller/core/host_record_cache.h"
#include "controller/scheduler/overcommit_ratios.h"
#include "gureum/agent/v1/agent.pb.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

class HostDirectory {
 public:
  HostDirectory(CoreContext& core, HostImageIndex& image_index, HostRecordCache& records,
                OvercommitRatios ratios = {})
      : core_(core), image_index_(image_index), records_(records), ratios_(ratios) {}

  // Records (or refreshes) the host and marks it up. Returns its row.
  absl::StatusOr<HostRecord> Register(const agent::v1::Register& registration);
  absl::Status Heartbeat(const std::string& host_id, const agent::v1::Heartbeat& heartbeat);
  // The agent's stream closed: the host is unreachable at once.
  absl::Status MarkUnreachable(const std::string& host_id, const std::string& why);
  // Marks unreachable every up host whose last heartbeat is older than
  // `ttl_ms` at `now_ms`; returns how many.
  absl::StatusOr<int> ExpireSilentHosts(int64_t now_ms, int64_t ttl_ms);
  absl::StatusOr<v1::DescribeHostsResponse> Describe(const RequestContext& ctx,
                                                     const std::vector<std::string>& host_ids);
  // Admin: a disabled host keeps its instances but gets no new placements.
  // `host` is a host id or name. Idempotent.
  absl::StatusOr<v1::Host> SetEnabled(const RequestContext& ctx, const std::string& host,
                                      bool enabled, const std::string& reason);
  absl::StatusOr<v1::DescribeAvailabilityZonesResponse> DescribeZones(
      const RequestContext& ctx, const std::vector<std::string>& zone_names);

 private:
  static constexpr int64_t kHeartbeatPersistMs = 30'000;

  absl::Status SetState(const std::string& host_id, const std::string& state,
                        const std::string& why);
  // Commit() for a transaction that may write hosts: afterwards (committed or
  // not) the cached host records are stale.
  template <typename Fn>
  auto CommitHosts(Fn&& fn) {
    auto result = Commit(core_, std::forward<Fn>(fn));
    HostRepository::NoteChanged();
    return result;
  }
  // The newest heartbeat known for the host: in memory or in its row.
  int64_t LastHeartbeat(const HostRecord& host);
  int64_t LastHeartbeatLocked(const HostRecord& host) const;  // beats_mutex_ held

  struct Beat {
    int64_t last_ms = 0;       // newest heartbeat received
    int64_t persisted_ms = 0;  // last value written to the hosts row
  };
  std::mutex beats_mutex_;
  std::unordered_map<std::string, Beat> beats_;  // guarded by beats_mutex_; by host id
  CoreContext& core_;
  HostImageIndex& image_index_;
  HostRecordCache& records_;
  OvercommitRatios ratios_;
};

}  // namespace gureum::controller
