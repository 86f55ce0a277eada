// InstanceRepository: the instances aggregate (rows and tags). Called inside a
// Store transaction; not thread-safe on its own.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "controller/store/database.h"
#include "controller/store/records.h"

namespace gureum::controller {

// A validated query: every filter name is known (the API checks names).
struct InstanceQuery {
  std::string project_id;  // empty = all projects
  std::vector<std::string> instance_ids;
  std::map<std::string, std::vector<std::string>> filters;  // name -> any of values
  int64_t after_seq = 0;
  int limit = 1000;
};

class InstanceRepository {
 public:
  explicit InstanceRepository(Database& db) : db_(db) {}

  // Insert and UpdateState also keep project_usage and host_usage (what is
  // claimed per project and host; `building` counts pending instances). This
  // was done by triggers until migration 7: a trigger makes every INSERT and
  // UPDATE of an instance a multi-row write, for which SQLite copies each
  // page the statement touches into a statement journal first (the largest
  // cost of a launch's inserts; docs/benchmarks.md). Deleting a live row is
  // still counted by the trigger instances_usage_delete.
  void Insert(const InstanceRecord& record);
  std::optional<InstanceRecord> Get(const std::string& instance_id);
  // The instances the query matches, ordered by seq, at most query.limit:
  // row(view) for each, then tag(instance_id, key, value) for each of their
  // tags (ordered by instance id and key). Views, not records: a page of 100
  // copied ~20 strings per instance into a record and again into protobuf.
  void ForEachListed(const InstanceQuery& query,
                     const std::function<void(const ListedInstanceView&)>& row,
                     const std::function<void(std::string_view instance_id, std::string_view key,
                                              std::string_view value)>& tag);
  // What the desired set needs of every instance on a host that is not
  // terminated, by seq. Built on every change of a host's set, so it reads
  // only those columns (a page of full records cost twice as much), and
  // passes them to fn one by one as views of SQLite's columns: the
  // desired-set builder copies each string once, into protobuf.
  void ForEachDesiredOnHost(const std::string& host_id,
                            const std::function<void(const DesiredInstanceView&)>& fn);
  // Instances in pending, stopping or shutting-down whose state changed
  // before `cutoff` (ms), oldest first (tags not loaded).
  std::vector<InstanceRecord> ListInTransitionSince(int64_t cutoff);

  // Sets the state and its reason; releases the instance's claims when it
  // becomes terminated and counts its build while it is pending. Unknown ids
  // change nothing.
  void UpdateState(const std::string& instance_id, const std::string& state,
                   const std::string& reason_code, const std::string& reason_message, int64_t at);
  void UpdateDesired(const std::string& instance_id, const std::string& desired_state,
                     bool force_stop);
  void BumpRebootToken(const std::string& instance_id);
  // Replaces the state reason without a change of state (what the host says
  // about an instance in the middle of a transition). Unknown ids change
  // nothing.
  void SetStateReason(const std::string& instance_id, const std::string& reason_code,
                      const std::string& reason_message);
  void SetPrivateIp(const std::string& instance_id, const std::string& ip);

  // Deletes instances terminated before `cutoff`; returns how many.
  int PurgeTerminatedBefore(int64_t cutoff);
  int CountActiveUsingImage(const std::string& image_id);
  int CountActiveOfType(const std::string& instance_type);
  // What non-terminated instances hold per host (hosts holding none are absent).
  std::unordered_map<std::string, HostAllocation> AllocationByHost();
  // The same rows without building a map: fn(host_id, allocation) for each
  // host with instances (a launch reads every host's; host_id is valid
  // only during the call).
  void ForEachHostAllocation(
      const std::function<void(std::string_view host_id, const HostAllocation&)>& fn);
  // Non-terminated instances of a placement group per host.
  std::map<std::string, int> GroupMembersByHost(const std::string& group_id);
  // Usage counted from the instances table (what the usage table must equal).
  ResourceAmounts RecountProjectUsage(const std::string& project_id);
  bool MacInUse(const std::string& mac);
  // True if an instance placed on the host uses an image whose disk, kernel
  // or ramdisk blob is `sha256` (node restriction of FetchBlob).
  bool HostUsesBlob(const std::string& host_id, const std::string& sha256);
  std::vector<std::string> PrivateIpsInUse(const std::string& network);
  // One indexed lookup (instances_private_ip): is `ip` held in `network`?
  bool PrivateIpInUse(const std::string& network, const std::string& ip);
  // How many times SetPrivateIp released an address (cleared it) through
  // this repository, committed or not: IpAllocator's cue that an address
  // below its low-water mark may be free again.
  int64_t ip_releases() const { return ip_releases_; }

 private:
  // Adds `sign` times the claim of one instance to its project's and host's
  // usage, and `building` to the host's pending count.
  void AddUsage(const std::string& project_id, const std::string& host_id, int64_t vcpus,
                int64_t memory_mib, int64_t disk_gib, int sign, int building);

  void LoadTags(InstanceRecord& record);
  Database& db_;
  int64_t ip_releases_ = 0;
};

}  // namespace gureum::controller
