// AccessKeyCache: what Authenticator read from the store for an access key
// and a requested project (the key's salted hash, status and expiry, its user
// with role bindings, whether the project exists), so that an API call need
// not read the store to authenticate.
//
// An entry is current only while the store's identity generation is the one
// read before the entry was loaded (Store bumps it after every commit that
// changes projects, users, role bindings or access keys, before that Write
// returns: a disabled, deleted or rotated key is refused from the next call
// on), and for at most `ttl` (a safety net, e.g. for a database changed
// behind the controller's back). Only keys that exist are cached, so unknown
// key ids cannot fill it; it holds at most `capacity` entries.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "controller/store/records.h"

namespace gureum::controller {

class AccessKeyCache {
 public:
  struct Entry {
    AccessKeyRecord key;
    UserRecord user;
    bool project_exists = false;
  };

  AccessKeyCache(int64_t ttl_ms, size_t capacity) : ttl_ms_(ttl_ms), capacity_(capacity) {}

  // The entry for (key id, project) if it was loaded at `generation` (the
  // store's current one) less than ttl before `now_ms`.
  std::shared_ptr<const Entry> Find(const std::string& key_id, const std::string& project,
                                    uint64_t generation, int64_t now_ms);
  // Keeps `entry`, loaded from the store after it was at `generation`.
  void Insert(const std::string& key_id, const std::string& project, uint64_t generation,
              int64_t now_ms, std::shared_ptr<const Entry> entry);
  size_t size() const;

 private:
  struct Stored {
    std::shared_ptr<const Entry> entry;
    int64_t loaded_ms = 0;
  };
  static std::string KeyOf(const std::string& key_id, const std::string& project);
  // Drops everything when the store has moved on; needs mutex_.
  void Sync(uint64_t generation);

  const int64_t ttl_ms_;
  const size_t capacity_;
  mutable std::mutex mutex_;
  uint64_t generation_ = 0;                         // guarded by mutex_
  std::unordered_map<std::string, Stored> stored_;  // guarded by mutex_
};

}  // namespace gureum::controller
