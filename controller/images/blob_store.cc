#include "controller/images/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/api_error.h"
#include "common/durable_file.h"
#include "common/sha256.h"

namespace gureum::controller {
namespace {

// The largest root disk an instance type can declare (65536 GiB, see
// RequestValidator::InstanceType): a qcow2 claiming more, or a size with the
// sign bit set, could never be launched, and InstanceLauncher's rounding to
// GiB would overflow on it.
constexpr uint64_t kMaxVirtualSizeBytes = uint64_t{65536} << 30;

uint64_t BigEndian64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

BlobStore::BlobStore(std::string dir) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
}

std::string BlobStore::PathOf(const std::string& sha256) const { return dir_ + "/" + sha256; }

bool BlobStore::Exists(const std::string& sha256) const {
  return std::filesystem::exists(PathOf(sha256));
}

absl::Status BlobStore::Delete(const std::string& sha256) {
  std::error_code ec;
  std::filesystem::remove(PathOf(sha256), ec);
  if (ec) return absl::InternalError("cannot delete blob " + sha256 + ": " + ec.message());
  return absl::OkStatus();
}

absl::StatusOr<BlobInfo> BlobStore::Put(const std::string& source_path, const std::string& field) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source_path, ec)) {
    return InvalidParameter(field, "The file '" + source_path +
                                       "' does not exist on the controller's host or is not a "
                                       "regular file");
  }
  std::ifstream in(source_path, std::ios::binary);
  if (!in) {
    return InvalidParameter(
        field, "The file '" + source_path + "' cannot be read: " + std::strerror(errno));
  }
  const std::string tmp = dir_ + "/.import-" + std::to_string(::getpid()) + "-" +
                          std::to_string(reinterpret_cast<uintptr_t>(&in));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError("cannot create " + tmp + ": " + std::strerror(errno));

  Sha256 hash;
  BlobInfo info;
  std::array<unsigned char, 512> header{};
  size_t header_len = 0;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    if (header_len < header.size()) {
      size_t take = std::min(header.size() - header_len, static_cast<size_t>(n));
      std::memcpy(header.data() + header_len, buffer.data(), take);
      header_len += take;
    }
    hash.Update(std::string_view(buffer.data(), static_cast<size_t>(n)));
    info.size_bytes += n;
    const char* p = buffer.data();
    std::streamsize left = n;
    while (left > 0) {
      ssize_t w = ::write(fd, p, static_cast<size_t>(left));
      if (w < 0) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return absl::InternalError("write to blob store failed: " +
                                   std::string(std::strerror(errno)));
      }
      p += w;
      left -= w;
    }
  }
  ::fsync(fd);
  ::close(fd);
  if (info.size_bytes == 0) {
    ::unlink(tmp.c_str());
    return InvalidParameter(field, "The file '" + source_path + "' is empty");
  }
  info.format = "raw";
  info.virtual_size_bytes = info.size_bytes;
  if (header_len >= 32 && std::memcmp(header.data(), "QFI\xfb", 4) == 0) {
    info.format = "qcow2";
    uint64_t backing_offset = BigEndian64(header.data() + 8);
    const uint64_t virtual_size = BigEndian64(header.data() + 24);
    if (virtual_size > kMaxVirtualSizeBytes) {
      ::unlink(tmp.c_str());
      return InvalidParameter(field, "The qcow2 file '" + source_path + "' has a virtual size of " +
                                         std::to_string(virtual_size) +
                                         " bytes, more than the 64 TiB a root disk can have");
    }
    info.virtual_size_bytes = static_cast<int64_t>(virtual_size);
    const uint32_t version = static_cast<uint32_t>(BigEndian64(header.data() + 4) >> 32);
    // qcow2 v3 incompatible feature bit 2: an external data file, which like a
    // backing file could name any file on the host.
    const bool external_data =
        version >= 3 && header_len >= 80 && (BigEndian64(header.data() + 72) & 0x4) != 0;
    if (external_data) {
      ::unlink(tmp.c_str());
      return InvalidParameter(field, "The qcow2 file '" + source_path +
                                         "' uses an external data file; import a self-contained "
                                         "image (qemu-img convert -O qcow2)");
    }
    if (backing_offset != 0) {
      ::unlink(tmp.c_str());
      return InvalidParameter(field, "The qcow2 file '" + source_path +
                                         "' has a backing file; import a flattened image "
                                         "(qemu-img convert -O qcow2)");
    }
  }
  info.sha256 = hash.HexDigest();
  // Synced and renamed into place: an image whose import was acknowledged
  // survives a crash of the controller's machine.
  if (absl::Status stored = CommitFile(tmp, PathOf(info.sha256)); !stored.ok()) {
    ::unlink(tmp.c_str());
    return absl::Status(stored.code(), "cannot store blob: " + std::string(stored.message()));
  }
  return info;
}

}  // namespace gureum::controller
