// Fuzzes the image header detection of ImportImage: BlobStore::Put reads the
// file an operator names, decides qcow2 or raw from its header, takes the
// virtual size from it, and must refuse qcow2 files that point outside
// themselves (a backing file or an external data file could name any file on
// the controller's host).
//
// Input: the image file's bytes (written to a scratch directory in /dev/shm,
// or $TMPDIR without it). Checks: the stored blob is the input (size, sha256);
// qcow2 is reported exactly for a "QFI\xfb" header of at least 32 bytes, raw
// otherwise; an accepted qcow2 has no backing file and no external data file;
// and the virtual size is one InstanceLauncher can turn into a root disk size
// (the same arithmetic, under UBSan).

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "common/sha256.h"
#include "controller/images/blob_store.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using gureum::controller::BlobInfo;
using gureum::controller::BlobStore;

uint64_t BigEndian64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

struct Scratch {
  std::string dir;
  std::string source;
  std::unique_ptr<BlobStore> store;

  Scratch() {
    std::string base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') base = tmp;
    std::string pattern = base + "/gureum-image-fuzz-XXXXXX";
    FUZZ_CHECK(::mkdtemp(pattern.data()) != nullptr, "cannot create a scratch directory");
    dir = pattern;
    source = dir + "/source.img";
    store = std::make_unique<BlobStore>(dir + "/blobs");
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

Scratch& TheScratch() {
  static Scratch scratch;
  return scratch;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Scratch& scratch = TheScratch();
  {
    std::ofstream out(scratch.source, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    FUZZ_CHECK(out.good(), "cannot write the scratch source file");
  }
  absl::StatusOr<BlobInfo> info = scratch.store->Put(scratch.source, "SourcePath");
  const bool qcow2 = size >= 32 && std::memcmp(data, "QFI\xfb", 4) == 0;
  if (!info.ok()) {
    FUZZ_CHECK(info.status().code() == absl::StatusCode::kInvalidArgument,
               "a bad image is InvalidArgument");
    FUZZ_CHECK(size == 0 || qcow2, "only empty files and (some) qcow2 files are refused");
    return 0;
  }
  FUZZ_CHECK(size > 0, "an empty file is refused");
  FUZZ_CHECK(info->size_bytes == static_cast<int64_t>(size), "stored size is the file's");
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  FUZZ_CHECK(info->sha256 == gureum::Sha256Hex(bytes), "stored under the file's sha256");
  FUZZ_CHECK(scratch.store->Exists(info->sha256), "the blob exists");
  FUZZ_CHECK(info->format == (qcow2 ? "qcow2" : "raw"), "format from the header");
  if (qcow2) {
    FUZZ_CHECK(BigEndian64(data + 8) == 0, "an accepted qcow2 has no backing file");
    const uint32_t version = static_cast<uint32_t>(BigEndian64(data + 4) >> 32);
    if (version >= 3 && size >= 80) {
      FUZZ_CHECK((BigEndian64(data + 72) & 0x4) == 0, "no external data file");
    }
    FUZZ_CHECK(info->virtual_size_bytes == static_cast<int64_t>(BigEndian64(data + 24)),
               "virtual size from the header");
  } else {
    FUZZ_CHECK(info->virtual_size_bytes == info->size_bytes, "a raw image's size is its own");
  }
  FUZZ_CHECK(info->virtual_size_bytes >= 0, "a virtual size is not negative");
  // InstanceLauncher rounds the virtual size up to whole GiB for the root disk
  // (controller/core/instance_launcher.cc); UBSan reports it if that overflows.
  const int64_t disk_gib = (info->virtual_size_bytes + (1LL << 30) - 1) >> 30;
  FUZZ_CHECK(disk_gib >= 0, "root disk size");
  FUZZ_CHECK(scratch.store->Delete(info->sha256).ok(), "the blob can be deleted");
  return 0;
}
