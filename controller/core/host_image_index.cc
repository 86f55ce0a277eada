#include "controller/core/host_image_index.h"

namespace gureum::controller {

void HostImageIndex::Update(const std::string& host_id, const std::vector<std::string>& blobs) {
  std::set<std::string> next(blobs.begin(), blobs.end());
  std::lock_guard lock(mutex_);
  blobs_[host_id] = std::move(next);
}

bool HostImageIndex::Has(const std::string& host_id, const std::string& sha256) const {
  std::lock_guard lock(mutex_);
  auto it = blobs_.find(host_id);
  return it != blobs_.end() && it->second.contains(sha256);
}

int HostImageIndex::Count(const std::string& host_id) const {
  std::lock_guard lock(mutex_);
  auto it = blobs_.find(host_id);
  return it == blobs_.end() ? 0 : static_cast<int>(it->second.size());
}

void HostImageIndex::ForEachHostWith(
    const std::string& sha256, const std::function<void(const std::string& host_id)>& fn) const {
  std::lock_guard lock(mutex_);
  for (const auto& [host_id, blobs] : blobs_) {
    if (blobs.contains(sha256)) fn(host_id);
  }
}

}  // namespace gureum::controller
