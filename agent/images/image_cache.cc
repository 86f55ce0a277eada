#include "agent/images/image_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <spdlog/spdlog.h>

#include "common/sha256.h"

namespace gureum::agent {
namespace {

namespace fs = std::filesystem;

// Temporary downloads are named `tmp-<sha256>-XXXXXX` so Open can tell them
// from blobs and delete what a crash left behind.
constexpr char kTempPrefix[] = "tmp-";

std::string ErrnoText(int err) { return std::string(std::strerror(err)); }

bool IsRetryable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) ||
         absl::IsAborted(status) || absl::IsResourceExhausted(status);
}

absl::Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(absl::StrCat("write: ", ErrnoText(errno)));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Makes a rename in `dir` durable.
absl::Status SyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return absl::InternalError(absl::StrCat("open ", dir, ": ", ErrnoText(errno)));
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  if (rc != 0) return absl::InternalError(absl::StrCat("fsync ", dir, ": ", ErrnoText(err)));
  return absl::OkStatus();
}

// Closes and deletes a temporary download unless it was committed.
class TempFile {
 public:
  TempFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~TempFile() {
    Close();
    if (!committed_) unlink(path_.c_str());
  }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  void Commit() { committed_ = true; }

 private:
  int fd_;
  std::string path_;
  bool committed_ = false;
};

}  // namespace

bool ImageCache::IsValidSha256(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

ImageCache::ImageCache(ImageCacheOptions options, BlobSource* source, const Clock* clock)
    : options_(std::move(options)), source_(source), clock_(clock) {}

absl::Status ImageCache::Open() {
  std::error_code ec;
  fs::path dir = fs::absolute(options_.dir, ec);
  if (ec)
    return absl::InternalError(absl::StrCat("image cache dir ", options_.dir, ": ", ec.message()));
  options_.dir = dir.lexically_normal().string();
  while (options_.dir.size() > 1 && options_.dir.back() == '/') options_.dir.pop_back();
  fs::create_directories(options_.dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create image cache dir ", options_.dir, ": ", ec.message()));
  }

  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t now = clock_->NowMillis();
  // Iterated with error codes: directory_iterator's ++ would otherwise throw.
  for (fs::directory_iterator it(options_.dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    if (name.rfind(kTempPrefix, 0) == 0) {
      std::error_code remove_ec;
      fs::remove(entry.path(), remove_ec);
      spdlog::info("image cache: removed interrupted download {}", name);
      continue;
    }
    std::error_code stat_ec;
    if (!IsValidSha256(name) || !entry.is_regular_file(stat_ec)) {
      spdlog::warn("image cache: ignoring unexpected entry {}", entry.path().string());
      continue;
    }
    Blob& blob = blobs_[name];
    blob.present = true;
    blob.size = static_cast<int64_t>(entry.file_size(stat_ec));
    // Users are not known until the instances are recovered: start the TTL now
    // so nothing is collected before they are.
    blob.unused_since_ms = now;
  }
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot list image cache dir ", options_.dir, ": ", ec.message()));
  }
  spdlog::info("image cache: {} blobs in {}", blobs_.size(), options_.dir);
  return absl::OkStatus();
}

std::string ImageCache::PathOf(const std::string& sha256) const {
  return absl::StrCat(options_.dir, "/", sha256);
}

absl::StatusOr<std::string> ImageCache::Acquire(const std::string& sha256, int64_t expected_size) {
  if (!IsValidSha256(sha256)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid image sha256 \"", sha256, "\": want 64 lowercase hex digits"));
  }
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    auto blob = blobs_.find(sha256);
    if (blob != blobs_.end() && blob->second.present) {
      if (expected_size != kUnknownSize && blob->second.size != expected_size) {
        return absl::DataLossError(absl::StrCat("cached image blob ", sha256, " has ",
                                                blob->second.size, " bytes, expected ",
                                                expected_size));
      }
      if (blob->second.users.empty()) {
        blob->second.unused_since_ms = std::max(blob->second.unused_since_ms, clock_->NowMillis());
      }
      return PathOf(sha256);
    }
    auto running = downloading_.find(sha256);
    if (running == downloading_.end()) break;
    std::shared_future<absl::Status> done = running->second;
    ++stats_.waiting;
    lock.unlock();
    absl::Status status = done.get();
    lock.lock();
    --stats_.waiting;
    if (!status.ok()) return status;
  }

  std::promise<absl::Status> promise;
  downloading_[sha256] = promise.get_future().share();
  ++stats_.downloads_started;
  lock.unlock();

  int64_t size = 0;
  absl::Status status = Download(sha256, expected_size, &size);

  lock.lock();
  if (status.ok()) {
    Blob& blob = blobs_[sha256];
    blob.present = true;
    blob.size = size;
    if (blob.users.empty()) blob.unused_since_ms = clock_->NowMillis();
  } else {
    ++stats_.downloads_failed;
  }
  downloading_.erase(sha256);
  promise.set_value(status);
  if (!status.ok()) return status;
  return PathOf(sha256);
}

absl::Status ImageCache::Download(const std::string& sha256, int64_t expected_size, int64_t* size) {
  std::string pattern = absl::StrCat(options_.dir, "/", kTempPrefix, sha256, "-XXXXXX");
  int fd = mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create a temporary file in ", options_.dir, ": ", ErrnoText(errno)));
  }
  TempFile temp(fd, pattern);

  Sha256 hasher;
  int64_t written = 0;
  absl::Status sink_error;
  BlobSource::Sink sink = [&](std::string_view data) -> absl::Status {
    if (expected_size != kUnknownSize &&
        written + static_cast<int64_t>(data.size()) > expected_size) {
      sink_error = absl::DataLossError(absl::StrCat(
          "image blob ", sha256, " is larger than the expected ", expected_size, " bytes"));
      return sink_error;
    }
    sink_error = WriteAll(temp.fd(), data);
    if (!sink_error.ok()) {
      sink_error = absl::InternalError(
          absl::StrCat("cannot write image blob ", sha256, ": ", sink_error.message()));
      return sink_error;
    }
    hasher.Update(data);
    written += static_cast<int64_t>(data.size());
    return absl::OkStatus();
  };

  for (int attempt = 1;; ++attempt) {
    const int64_t before = written;
    absl::Status status = source_->Fetch(sha256, written, sink);
    if (status.ok()) break;
    if (!sink_error.ok()) return sink_error;
    // Resume only a transfer that broke while making progress; a source that
    // fails at once is retried by the caller later, not hammered here.
    if (!IsRetryable(status) || attempt >= options_.max_fetch_attempts || written == before) {
      return status;
    }
    spdlog::warn("image cache: fetch of {} broke after {} bytes ({}); resuming", sha256, written,
                 status.ToString());
  }

  if (expected_size != kUnknownSize && written != expected_size) {
    return absl::DataLossError(absl::StrCat("image blob ", sha256, " is truncated: expected ",
                                            expected_size, " bytes, got ", written));
  }
  const std::string actual = hasher.HexDigest();
  if (actual != sha256) {
    return absl::DataLossError(
        absl::StrCat("image sha256 mismatch: expected ", sha256, " got ", actual));
  }
  if (fsync(temp.fd()) != 0) {
    return absl::InternalError(absl::StrCat("fsync ", temp.path(), ": ", ErrnoText(errno)));
  }
  // Overlays use blobs as backing files: nothing may write to them.
  if (fchmod(temp.fd(), 0444) != 0) {
    return absl::InternalError(absl::StrCat("chmod ", temp.path(), ": ", ErrnoText(errno)));
  }
  temp.Close();
  const std::string final_path = PathOf(sha256);
  if (rename(temp.path().c_str(), final_path.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("rename ", temp.path(), " to ", final_path, ": ", ErrnoText(errno)));
  }
  temp.Commit();
  if (absl::Status synced = SyncDir(options_.dir); !synced.ok()) return synced;
  *size = written;
  spdlog::info("image cache: stored {} ({} bytes)", sha256, written);
  return absl::OkStatus();
}

void ImageCache::Use(const std::string& sha256, const std::string& instance_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  blobs_[sha256].users.insert(instance_id);
}

void ImageCache::Unuse(const std::string& sha256, const std::string& instance_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto blob = blobs_.find(sha256);
  if (blob == blobs_.end() || blob->second.users.erase(instance_id) == 0) return;
  if (!blob->second.users.empty()) return;
  if (!blob->second.present) {
    // Pinned before it was downloaded; a download that finishes later
    // re-creates the entry.
    blobs_.erase(blob);
    return;
  }
  blob->second.unused_since_ms = clock_->NowMillis();
}

std::vector<std::string> ImageCache::UsersOf(const std::string& sha256) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto blob = blobs_.find(sha256);
  if (blob == blobs_.end()) return {};
  return {blob->second.users.begin(), blob->second.users.end()};
}

bool ImageCache::Contains(const std::string& sha256) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto blob = blobs_.find(sha256);
  return blob != blobs_.end() && blob->second.present;
}

std::vector<std::string> ImageCache::PresentBlobs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [sha256, blob] : blobs_) {
    if (blob.present) out.push_back(sha256);
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ImageCache::CollectGarbage() {
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t now = clock_->NowMillis();
  std::vector<std::string> removed;
  std::vector<std::string> failed;
  for (auto blob = blobs_.begin(); blob != blobs_.end();) {
    const Blob& b = blob->second;
    if (!b.present || !b.users.empty() || downloading_.count(blob->first) > 0 ||
        now - b.unused_since_ms < options_.unused_ttl.count()) {
      ++blob;
      continue;
    }
    const std::string path = PathOf(blob->first);
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      failed.push_back(absl::StrCat(blob->first, " (", ErrnoText(errno), ")"));
      ++blob;
      continue;
    }
    spdlog::info("image cache: removed {} (unused for {} s)", blob->first,
                 (now - b.unused_since_ms) / 1000);
    removed.push_back(blob->first);
    blob = blobs_.erase(blob);
  }
  if (!failed.empty()) {
    return absl::InternalError(
        absl::StrCat("image cache: could not remove ", absl::StrJoin(failed, ", ")));
  }
  return removed;
}

ImageCache::Stats ImageCache::GetStats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Stats stats = stats_;
  for (const auto& [sha256, blob] : blobs_) {
    if (!blob.present) continue;
    ++stats.blobs;
    stats.bytes += blob.size;
  }
  return stats;
}

}  // namespace gureum::agent
