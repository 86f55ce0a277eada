#include "controller/api/access_key_cache.h"

namespace gureum::controller {

std::string AccessKeyCache::KeyOf(const std::string& key_id, const std::string& project) {
  // Key ids and project ids hold no NUL.
  std::string key = key_id;
  key.push_back('\0');
  key += project;
  return key;
}

void AccessKeyCache::Sync(uint64_t generation) {
  if (generation == generation_) return;
  stored_.clear();
  generation_ = generation;
}

std::shared_ptr<const AccessKeyCache::Entry> AccessKeyCache::Find(const std::string& key_id,
                                                                  const std::string& project,
                                                                  uint64_t generation,
                                                                  int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) {
    // Only a newer generation may clear: a caller that read an older one
    // simply misses.
    if (generation > generation_) Sync(generation);
    return nullptr;
  }
  auto it = stored_.find(KeyOf(key_id, project));
  if (it == stored_.end()) return nullptr;
  if (now_ms - it->second.loaded_ms >= ttl_ms_ || now_ms < it->second.loaded_ms) {
    stored_.erase(it);
    return nullptr;
  }
  return it->second.entry;
}

void AccessKeyCache::Insert(const std::string& key_id, const std::string& project,
                            uint64_t generation, int64_t now_ms,
                            std::shared_ptr<const Entry> entry) {
  std::lock_guard lock(mutex_);
  if (generation < generation_) return;  // loaded before a change: maybe stale
  Sync(generation);
  if (stored_.size() >= capacity_) stored_.clear();
  stored_[KeyOf(key_id, project)] = Stored{std::move(entry), now_ms};
}

size_t AccessKeyCache::size() const {
  std::lock_guard lock(mutex_);
  return stored_.size();
}

}  // namespace gureum::controller
