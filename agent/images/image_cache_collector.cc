#include "agent/images/image_cache_collector.h"

#include <algorithm>

#include <absl/strings/str_join.h>
#include <spdlog/spdlog.h>

namespace gureum::agent {

ImageCacheCollector::ImageCacheCollector(ImageCache* cache, std::chrono::milliseconds interval)
    : cache_(cache), interval_(interval), thread_([this] { Loop(); }) {}

ImageCacheCollector::~ImageCacheCollector() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::chrono::milliseconds ImageCacheCollector::IntervalFor(std::chrono::milliseconds ttl) {
  return std::clamp<std::chrono::milliseconds>(ttl / 4, std::chrono::seconds(1),
                                               std::chrono::hours(1));
}

int64_t ImageCacheCollector::CollectNow() {
  std::lock_guard<std::mutex> collect_lock(collect_mutex_);
  absl::StatusOr<std::vector<std::string>> removed = cache_->CollectGarbage();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++collections_;
  }
  if (!removed.ok()) {
    // Some blobs may still have gone; the next round tries the rest again.
    spdlog::error("image cache: garbage collection: {}", removed.status().ToString());
    return 0;
  }
  if (!removed->empty()) {
    spdlog::info("image cache: removed {} unused blob(s): {}", removed->size(),
                 absl::StrJoin(*removed, ", "));
  }
  return static_cast<int64_t>(removed->size());
}

int64_t ImageCacheCollector::collections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return collections_;
}

void ImageCacheCollector::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    CollectNow();
    lock.lock();
  }
}

}  // namespace gureum::agent
