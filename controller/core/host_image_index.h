// HostImageIndex: which image blobs (by sha256) each host's image cache holds,
// as its agent last reported them (Register and every Heartbeat). Kept in
// memory only: agents report again after a controller restart, and a stale
// entry only costs a weigher's preference. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace gureum::controller {

class HostImageIndex {
 public:
  void Update(const std::string& host_id, const std::vector<std::string>& blobs);
  bool Has(const std::string& host_id, const std::string& sha256) const;
  int Count(const std::string& host_id) const;
  // Hosts whose cache holds `sha256`.
  // Calls fn(host_id) for each host whose cache holds `sha256`, in host id
  // order, under the index's lock (fn must not call back into the index).
  void ForEachHostWith(const std::string& sha256,
                       const std::function<void(const std::string& host_id)>& fn) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::set<std::string>> blobs_;  // guarded by mutex_
};

}  // namespace gureum::controller
