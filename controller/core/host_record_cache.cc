#include "controller/core/host_record_cache.h"

namespace gureum::controller {

std::shared_ptr<const HostRecordCache::Snapshot> HostRecordCache::Peek() const {
  std::lock_guard lock(mutex_);
  if (snapshot_ && generation_ == HostRepository::Generation()) return snapshot_;
  return nullptr;
}

std::shared_ptr<const HostRecordCache::Snapshot> HostRecordCache::Get(Repositories& repos) {
  if (auto current = Peek()) return current;
  // Read the generation first: a change during the read leaves the copy stale.
  const uint64_t generation = HostRepository::Generation();
  auto fresh = std::make_shared<Snapshot>();
  fresh->hosts = repos.hosts.List();
  fresh->by_id.reserve(fresh->hosts.size());
  for (size_t i = 0; i < fresh->hosts.size(); ++i) fresh->by_id[fresh->hosts[i].host_id] = i;
  std::lock_guard lock(mutex_);
  snapshot_ = fresh;
  generation_ = generation;
  return fresh;
}

}  // namespace gureum::controller
