#include "cli/commands/private_key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gureum::cli {

absl::StatusOr<PrivateKeyFile> PrivateKeyFile::Create(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    int error = errno;
    std::string message = path + ": " + std::strerror(error);
    if (error == EEXIST) return absl::AlreadyExistsError(message);
    return absl::FailedPreconditionError(message);
  }
  // O_CREAT's mode is masked by the umask; a private key must be 0600 regardless.
  ::fchmod(fd, 0600);
  return PrivateKeyFile(path, fd);
}

PrivateKeyFile::PrivateKeyFile(PrivateKeyFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), kept_(other.kept_) {
  other.fd_ = -1;
  other.kept_ = true;
}

PrivateKeyFile::~PrivateKeyFile() {
  if (!kept_) Discard();
}

absl::Status PrivateKeyFile::Write(const std::string& contents) {
  if (fd_ < 0) return absl::FailedPreconditionError(path_ + ": already closed");
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(fd_, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(path_ + ": " + std::strerror(errno));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    fd_ = -1;
    return absl::InternalError(path_ + ": " + std::strerror(errno));
  }
  fd_ = -1;
  kept_ = true;
  return absl::OkStatus();
}

void PrivateKeyFile::Discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!kept_) ::unlink(path_.c_str());
  kept_ = true;
}

}  // namespace gureum::cli
