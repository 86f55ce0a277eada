// BlobStore: the controller's content-addressed store of image files. A blob
// is named by the sha256 of its bytes (`<dir>/<sha256>`), written once through
// a temporary file and an atomic rename, so concurrent imports of the same
// file are harmless. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include <absl/status/statusor.h>

namespace gureum::controller {

struct BlobInfo {
  std::string sha256;
  int64_t size_bytes = 0;
  std::string format;  // "qcow2" | "raw" (from the file's own header)
  int64_t virtual_size_bytes = 0;
};

class BlobStore {
 public:
  explicit BlobStore(std::string dir);

  // Copies a local file into the store. InvalidArgument naming the file when it
  // is missing, unreadable, empty, a qcow2 with a backing file (which could
  // point at any file on the host), or a qcow2 over 64 TiB.
  absl::StatusOr<BlobInfo> Put(const std::string& source_path, const std::string& field);
  bool Exists(const std::string& sha256) const;
  std::string PathOf(const std::string& sha256) const;
  absl::Status Delete(const std::string& sha256);

 private:
  std::string dir_;
};

}  // namespace gureum::controller
