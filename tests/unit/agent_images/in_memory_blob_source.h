// InMemoryBlobSource: a BlobSource test double that serves blobs from memory
// and can misbehave on request (serve wrong or short content, break mid-way,
// hold fetches until released). Thread-safe.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <absl/strings/str_cat.h>

#include "agent/images/blob_source.h"
#include "common/sha256.h"

namespace gureum::agent::testing {

class InMemoryBlobSource final : public BlobSource {
 public:
  // Serves `content` under its own sha256, which is returned.
  std::string Add(const std::string& content) {
    std::string sha256 = Sha256Hex(content);
    Put(sha256, content);
    return sha256;
  }

  // Serves `content` under any name (to fake a corrupt blob).
  void Put(const std::string& sha256, const std::string& content) {
    std::lock_guard<std::mutex> lock(mutex_);
    blobs_[sha256] = content;
  }

  // Every fetch delivers at most this many bytes, then fails with Unavailable
  // as a broken connection would. Negative: no limit.
  void BreakEachFetchAfter(int64_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    break_after_ = bytes;
  }

  // Fetches block until ReleaseFetches is called.
  void HoldFetches() {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = true;
  }
  void ReleaseFetches() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      held_ = false;
    }
    released_.notify_all();
  }

  int fetches() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int>(offsets_.size());
  }
  std::vector<int64_t> offsets() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return offsets_;
  }

  absl::Status Fetch(const std::string& sha256, int64_t offset, const Sink& sink) override {
    std::string content;
    int64_t limit = -1;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      offsets_.push_back(offset);
      released_.wait(lock, [&] { return !held_; });
      auto blob = blobs_.find(sha256);
      if (blob == blobs_.end()) return absl::NotFoundError(absl::StrCat("no blob ", sha256));
      content = blob->second;
      limit = break_after_;
    }
    constexpr size_t kChunk = 4096;
    int64_t sent = 0;
    size_t pos = static_cast<size_t>(offset);
    while (pos < content.size()) {
      size_t size = std::min(kChunk, content.size() - pos);
      if (limit >= 0) {
        if (sent >= limit) return absl::UnavailableError("connection reset");
        size = std::min<size_t>(size, static_cast<size_t>(limit - sent));
      }
      absl::Status status = sink(std::string_view(content).substr(pos, size));
      if (!status.ok()) return status;
      sent += static_cast<int64_t>(size);
      pos += size;
    }
    return absl::OkStatus();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::map<std::string, std::string> blobs_;
  std::vector<int64_t> offsets_;
  int64_t break_after_ = -1;
  bool held_ = false;
};

}  // namespace gureum::agent::testing
