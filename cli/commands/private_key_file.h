// The file create-key-pair --output-file writes the private key to: created before
// the key pair is (so a bad path costs no key), never over an existing file (so no
// key is lost), readable by its owner only (0600). Not thread-safe.
#pragma once

#include <string>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

namespace gureum::cli {

class PrivateKeyFile {
 public:
  // Creates `path` empty with mode 0600. AlreadyExists if it exists; other errors
  // carry strerror.
  static absl::StatusOr<PrivateKeyFile> Create(const std::string& path);

  PrivateKeyFile(PrivateKeyFile&& other) noexcept;
  PrivateKeyFile& operator=(PrivateKeyFile&&) = delete;
  PrivateKeyFile(const PrivateKeyFile&) = delete;
  ~PrivateKeyFile();  // a file neither written nor discarded is removed

  const std::string& path() const { return path_; }

  // Writes `contents`, syncs and closes the file; it then stays.
  absl::Status Write(const std::string& contents);
  // Closes and removes the file (the key pair could not be created).
  void Discard();

 private:
  PrivateKeyFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::string path_;
  int fd_ = -1;
  bool kept_ = false;
};

}  // namespace gureum::cli
