#include "controller/images/blob_store.h"

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "common/sha256.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {

using testing::MinimalQcow2;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

namespace {

// Names in the blob directory, temporary files included.
std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.insert(e.path().filename());
  return names;
}

}  // namespace

TEST_CASE("a raw file is stored under its sha256 with its size") {
  // This test verifies that a raw file is stored under its sha256, byte for byte, with format raw
  // and virtual size equal to its size, and that the same bytes again share the blob.
  TempDir dir;
  BlobStore blobs(dir / "blobs");
  std::string content(3 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 31 % 251);
  WriteFile(dir / "disk.raw", content);

  auto info = blobs.Put(dir / "disk.raw", "SourcePath");
  REQUIRE(info.ok());
  CHECK(info->sha256 == Sha256Hex(content));
  CHECK(info->size_bytes == static_cast<int64_t>(content.size()));
  CHECK(info->format == "raw");
  CHECK(info->virtual_size_bytes == info->size_bytes);
  CHECK(blobs.Exists(info->sha256));
  CHECK(blobs.PathOf(info->sha256) == dir / "blobs/" + info->sha256);
  CHECK(ReadFile(blobs.PathOf(info->sha256)) == content);
  CHECK(Entries(dir / "blobs") == std::set<std::string>{info->sha256});

  // The same bytes again land on the same blob.
  WriteFile(dir / "copy.raw", content);
  auto again = blobs.Put(dir / "copy.raw", "SourcePath");
  REQUIRE(again.ok());
  CHECK(again->sha256 == info->sha256);
  CHECK(Entries(dir / "blobs").size() == 1);

  REQUIRE(blobs.Delete(info->sha256).ok());
  CHECK_FALSE(blobs.Exists(info->sha256));
}

TEST_CASE("a qcow2 file is recognised by its header and reports its virtual size") {
  // This test verifies that a qcow2 is recognised by its magic "QFI\xfb" and reports the big-endian
  // virtual size at offset 24.
  TempDir dir;
  BlobStore blobs(dir / "blobs");
  const uint64_t virtual_size = (5ULL << 30) + 12345;
  WriteFile(dir / "disk.qcow2", MinimalQcow2(virtual_size));
  auto info = blobs.Put(dir / "disk.qcow2", "SourcePath");
  REQUIRE(info.ok());
  CHECK(info->format == "qcow2");
  CHECK(info->virtual_size_bytes == static_cast<int64_t>(virtual_size));
  CHECK(info->size_bytes == 1024);
}

TEST_CASE("a qcow2 file with a backing file is refused and leaves no blob") {
  // This test verifies that an image that could reference any host file
  // through its backing file is refused, naming the field, and cleaned up.
  TempDir dir;
  BlobStore blobs(dir / "blobs");
  WriteFile(dir / "overlay.qcow2", MinimalQcow2(1 << 30, 512));
  auto info = blobs.Put(dir / "overlay.qcow2", "SourcePath");
  REQUIRE_FALSE(info.ok());
  CHECK(ErrorCodeOf(info.status()) == "InvalidParameterValue");
  CHECK(ErrorFieldOf(info.status()) == "SourcePath");
  CHECK_THAT(std::string(info.status().message()), Catch::Contains("backing file"));
  CHECK(Entries(dir / "blobs").empty());
}

TEST_CASE("a qcow2 file with an external data file is refused") {
  // This test verifies that a qcow2 whose data lives in an external file
  // (incompatible feature bit 2, header extension naming the path) is refused
  // like a backing file: it too makes QEMU open an arbitrary host file.
  TempDir dir;
  BlobStore blobs(dir / "blobs");
  WriteFile(dir / "datafile.qcow2", MinimalQcow2(1 << 30, 0, 0x4, "/etc/shadow"));
  auto info = blobs.Put(dir / "datafile.qcow2", "SourcePath");
  CHECK_FALSE(info.ok());
  CHECK(ErrorFieldOf(info.status()) == "SourcePath");
  CHECK(Entries(dir / "blobs").empty());
}

TEST_CASE("a qcow2 file whose header claims a virtual size over 64 TiB is refused") {
  // This test verifies that a qcow2 header claiming a virtual size beyond the
  // largest root disk (found by tests/fuzz/image_header_fuzz: sizes with the
  // sign bit set were stored as negative sizes, and sizes near 2^63 made
  // InstanceLauncher's rounding to GiB overflow) is refused and leaves no
  // blob, while exactly 64 TiB is still accepted.
  TempDir dir;
  BlobStore blobs(dir / "blobs");
  for (uint64_t virtual_size :
       {0xc0000172fe000000ULL, 0x7fffffffffffffffULL, (65536ULL << 30) + 1}) {
    WriteFile(dir / "huge.qcow2", MinimalQcow2(virtual_size));
    auto info = blobs.Put(dir / "huge.qcow2", "SourcePath");
    REQUIRE_FALSE(info.ok());
    CHECK(ErrorCodeOf(info.status()) == "InvalidParameterValue");
    CHECK(ErrorFieldOf(info.status()) == "SourcePath");
    CHECK_THAT(std::string(info.status().message()), Catch::Contains("virtual size"));
  }
  CHECK(Entries(dir / "blobs").empty());

  WriteFile(dir / "largest.qcow2", MinimalQcow2(65536ULL << 30));
  auto largest = blobs.Put(dir / "largest.qcow2", "SourcePath");
  REQUIRE(largest.ok());
  CHECK(largest->virtual_size_bytes == int64_t{65536} << 30);
}

TEST_CASE("a missing, non-regular or empty source is refused naming the field") {
  // This test verifies that a missing, non-regular or empty source is InvalidParameterValue for the
  // field given, names the path and leaves nothing behind.
  TempDir dir;
  BlobStore blobs(dir / "blobs");

  auto missing = blobs.Put(dir / "nope.img", "KernelPath");
  REQUIRE_FALSE(missing.ok());
  CHECK(ErrorCodeOf(missing.status()) == "InvalidParameterValue");
  CHECK(ErrorFieldOf(missing.status()) == "KernelPath");
  CHECK_THAT(std::string(missing.status().message()), Catch::Contains(dir / "nope.img"));

  auto directory = blobs.Put(dir.path(), "SourcePath");
  REQUIRE_FALSE(directory.ok());
  CHECK(ErrorFieldOf(directory.status()) == "SourcePath");

  WriteFile(dir / "empty.img", "");
  auto empty = blobs.Put(dir / "empty.img", "RamdiskPath");
  REQUIRE_FALSE(empty.ok());
  CHECK(ErrorFieldOf(empty.status()) == "RamdiskPath");
  CHECK_THAT(std::string(empty.status().message()), Catch::Contains("is empty"));
  CHECK(Entries(dir / "blobs").empty());
}

TEST_CASE("deleting a blob that is not there succeeds") {
  // This test verifies that deleting a blob that is not there succeeds (a retried deregister).
  TempDir dir;
  BlobStore blobs(dir / "blobs");
  CHECK(blobs.Delete(std::string(64, 'f')).ok());
}

}  // namespace gureum::controller
