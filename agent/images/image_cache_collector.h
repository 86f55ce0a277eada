// ImageCacheCollector: runs ImageCache::CollectGarbage periodically on a
// thread of its own, so blobs no instance has used for the cache's TTL leave
// the host without anyone asking. Thread-safe; destruction stops the thread
// (waiting for a collection in progress).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "agent/images/image_cache.h"

namespace gureum::agent {

class ImageCacheCollector {
 public:
  // `cache` is not owned and must outlive the collector. The first collection
  // runs one `interval` after construction (right after start every blob
  // counts as used just now, so there is nothing to collect yet).
  ImageCacheCollector(ImageCache* cache, std::chrono::milliseconds interval);
  ~ImageCacheCollector();
  ImageCacheCollector(const ImageCacheCollector&) = delete;
  ImageCacheCollector& operator=(const ImageCacheCollector&) = delete;

  // One collection now, on the caller's thread; returns how many blobs went.
  int64_t CollectNow();

  // Collections run so far (by the thread or CollectNow).
  int64_t collections() const;

  // A sensible period for a TTL: often enough that a blob outlives its TTL
  // by at most a quarter of it, at most hourly, at least every second.
  static std::chrono::milliseconds IntervalFor(std::chrono::milliseconds ttl);

 private:
  void Loop();

  ImageCache* const cache_;
  const std::chrono::milliseconds interval_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;     // guarded by mutex_
  int64_t collections_ = 0;   // guarded by mutex_
  std::mutex collect_mutex_;  // one collection at a time
  std::thread thread_;        // last: starts once the fields above exist
};

}  // namespace gureum::agent
