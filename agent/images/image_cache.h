// ImageCache: the host's cache of image blobs (disks, kernels, ramdisks), one
// file per blob at `<dir>/<sha256>`, shared by every instance on the host.
//
// A blob enters the cache only whole and verified: it is downloaded into a
// temporary file, its size and SHA-256 are checked, and it is fsynced and
// renamed into place, so a crash never leaves a partial blob under a real
// name. Blobs are read-only (0444): overlays use them as backing files.
//
// The cache also tracks which instances use each blob so that garbage
// collection removes only blobs nobody has used for a TTL. Users live in
// memory; after an agent restart DiskArtifacts::Recover re-derives them from
// the instance directories, and until then every blob counts as used just now.
//
// Thread-safe. Concurrent Acquire calls for the same blob share one download.
#pragma once

#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "agent/images/blob_source.h"
#include "common/clock.h"

namespace gureum::agent {

struct ImageCacheOptions {
  std::string dir;  // created if missing; made absolute (overlays record the path)
  // A blob no instance has used for this long is removed by CollectGarbage.
  std::chrono::milliseconds unused_ttl = std::chrono::hours(24);
  // A broken transfer is resumed from where it stopped, up to this many
  // attempts in total, as long as each attempt delivers some bytes.
  int max_fetch_attempts = 3;
};

class ImageCache {
 public:
  static constexpr int64_t kUnknownSize = -1;

  // True if `text` is 64 lowercase hex digits. Blob names become file names,
  // so anything else (e.g. "../x") must be refused before it reaches a path.
  static bool IsValidSha256(std::string_view text);

  struct Stats {
    int64_t blobs = 0;              // verified blobs on disk
    int64_t bytes = 0;              // their total size
    int64_t downloads_started = 0;  // since construction
    int64_t downloads_failed = 0;
    int64_t waiting = 0;  // Acquire calls now waiting for another's download
  };

  // `source` and `clock` are not owned and must outlive the cache.
  ImageCache(ImageCacheOptions options, BlobSource* source, const Clock* clock);

  // Creates the directory, deletes temporary files a crash left behind and
  // indexes the blobs present. Call once, before anything else.
  absl::Status Open();

  // Absolute path a blob has (or would have) in the cache.
  std::string PathOf(const std::string& sha256) const;

  // Makes sure the blob is in the cache and returns its path, downloading it
  // if needed (blocks). `expected_size` (bytes, or kUnknownSize) is checked
  // along with the digest. Errors: InvalidArgument for a malformed sha256;
  // DataLoss for a wrong digest or size (nothing is kept); the source's error
  // if the download failed. Call Use first if the blob must not be collected
  // between this call and its use.
  absl::StatusOr<std::string> Acquire(const std::string& sha256,
                                      int64_t expected_size = kUnknownSize);

  // Records that `instance_id` uses blob `sha256` (present or not yet
  // downloaded). A used blob is never collected. Idempotent.
  void Use(const std::string& sha256, const std::string& instance_id);

  // Ends that use; the blob's TTL starts when its last user leaves. Idempotent.
  void Unuse(const std::string& sha256, const std::string& instance_id);

  // The instances using a blob, sorted.
  std::vector<std::string> UsersOf(const std::string& sha256) const;

  bool Contains(const std::string& sha256) const;

  // The sha256s of every blob present in the cache, sorted.
  std::vector<std::string> PresentBlobs() const;

  // Deletes every present blob with no users whose TTL has passed, and returns
  // their sha256s. If a deletion fails the others still happen and the error
  // names the blobs left behind.
  absl::StatusOr<std::vector<std::string>> CollectGarbage();

  Stats GetStats() const;

 private:
  struct Blob {
    bool present = false;
    int64_t size = 0;
    std::set<std::string> users;
    int64_t unused_since_ms = 0;  // meaningful when users is empty
  };

  // Downloads into a temporary file and moves it into place once verified.
  absl::Status Download(const std::string& sha256, int64_t expected_size, int64_t* size);

  ImageCacheOptions options_;
  BlobSource* source_;
  const Clock* clock_;

  mutable std::mutex mutex_;
  std::map<std::string, Blob> blobs_;                                    // guarded by mutex_
  std::map<std::string, std::shared_future<absl::Status>> downloading_;  // guarded by mutex_
  Stats stats_;  // guarded by mutex_ (blobs/bytes computed on demand)
};

}  // namespace gureum::agent
